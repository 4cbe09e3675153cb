// An ext4 filesystem on a loop device whose backing file is on a FUSE mount with a stopped
// daemon: creator -> i_rwsem of the ext4 root (held shared by the reader) -> reader in a buffer
// read -> loopN -> its worker in a FUSE request -> stopped hangfs. Checks the hang's shape in
// /proc and /sys, and that cleanup leaves nothing behind.
#include "demo/loop_on_fuse.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "demo/fuse_control.h"
#include "demo/proc_task.h"
#include "demo/text_file.h"
#include "live/live_support.h"
#include "support/skip.h"

namespace hangscope::live {
namespace {

using demo::LoopOnFuse;

class LoopOnFuseTest : public HangTest<LoopOnFuse> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    if (::access("/usr/sbin/mkfs.ext4", X_OK) != 0 && ::access("/sbin/mkfs.ext4", X_OK) != 0) {
      HS_SKIP("mkfs.ext4 not installed (e2fsprogs)");
    }
    auto hang = LoopOnFuse::start({hangfs_binary(), demo::Millis(20000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    for (pid_t p : {hang_->daemon_pid(), hang_->reader_pid(), hang_->creator_pid()}) {
      remember_pid(p);
    }
  }
};

TEST_F(LoopOnFuseTest, ReaderWaitsForALoopDeviceWhoseWorkerWaitsForFuse) {
  expect_task_shape(hang_->daemon_pid(), "T", "do_signal_stop", {}, "hangfs");
  expect_task_shape(hang_->reader_pid(), "D", "__ext4_find_entry", {"ext4_lookup"}, "reader");
  expect_task_shape(hang_->creator_pid(), "D", "path_openat", {"do_filp_open"}, "creator");
  ASSERT_GT(hang_->loop_worker_pid(), 0);
  expect_task_shape(hang_->loop_worker_pid(), "S", "request_wait_answer",
                    {"lo_rw_aio", "loop_process_work"}, "loop worker");
  auto worker = demo::read_task_stat(hang_->loop_worker_pid());
  ASSERT_TRUE(worker.ok());
  EXPECT_EQ(worker->comm.substr(worker->comm.find('+') + 1), hang_->loop_name());

  // What /sys shows about the stacked device: the backing file on the FUSE mount, a read in
  // flight, a request the daemon has not answered.
  std::string sys = "/sys/block/" + hang_->loop_name();
  EXPECT_EQ(demo::read_first_line(sys + "/loop/backing_file"), hang_->backing_file());
  std::istringstream inflight(demo::read_first_line(sys + "/inflight"));
  int reads = 0;
  inflight >> reads;
  EXPECT_GE(reads, 1) << demo::read_first_line(sys + "/inflight");
  std::string waiting = demo::read_first_line(std::string(demo::kFuseConnectionsDir) + "/" +
                                              std::to_string(hang_->connection_id()) + "/waiting");
  EXPECT_NE(waiting, "0");
}

TEST_F(LoopOnFuseTest, CleanupReleasesEverything) {
  std::vector<pid_t> pids = {hang_->daemon_pid(), hang_->reader_pid(), hang_->creator_pid()};
  auto conn = hang_->connection_id();
  int loop = hang_->loop_number();
  std::string ext4 = hang_->ext4_mount_point(), fuse = hang_->fuse_mount_point();
  std::string loop_name = hang_->loop_name();
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  expect_gone(pids);
  expect_no_d_state(pids, loop_name);
  EXPECT_FALSE(demo::fuse_connection_exists(conn));
  EXPECT_FALSE(is_mounted(ext4));
  EXPECT_FALSE(is_mounted(fuse));
  EXPECT_TRUE(loop_released(loop));
}

}  // namespace
}  // namespace hangscope::live
