// Writeback of a FUSE filesystem (writeback cache) held up by its stopped daemon while a remount
// holds s_umount: sync -> s_umount (read) -> remount (write, in wb_wait_for_completion) ->
// flusher kworker -> FUSE SETATTR -> stopped hangfs. Checks the hang's shape in /proc and that
// cleanup leaves nothing behind.
#include "demo/fuse_writeback_remount.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "demo/fuse_control.h"
#include "demo/proc_task.h"
#include "live/live_support.h"
#include "support/skip.h"

namespace hangscope::live {
namespace {

using demo::FuseWritebackRemount;

class FuseWritebackRemountTest : public HangTest<FuseWritebackRemount> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    auto hang = FuseWritebackRemount::start({hangfs_binary(), demo::Millis(10000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    for (pid_t p :
         {hang_->daemon_pid(), hang_->dirtier_pid(), hang_->remount_pid(), hang_->sync_pid()}) {
      remember_pid(p);
    }
  }
  std::string flush_name() const {
    return fmt::format("flush-{}:{}", hang_->dev_major(), hang_->dev_minor());
  }
};

TEST_F(FuseWritebackRemountTest, RemountWaitsForWritebackHoldingSUmount) {
  expect_task_shape(hang_->daemon_pid(), "T", "do_signal_stop", {}, "hangfs");
  expect_task_shape(hang_->remount_pid(), "D", "wb_wait_for_completion",
                    {"sync_filesystem", "fuse_reconfigure", "reconfigure_super"}, "remount");
  expect_task_shape(hang_->sync_pid(), "D", "super_lock", {"ksys_sync"}, "sync");
  ASSERT_GT(hang_->flusher_pid(), 0);
  expect_task_shape(hang_->flusher_pid(), "S", "request_wait_answer",
                    {"fuse_write_inode", "writeback_sb_inodes", "wb_workfn"}, "flusher");
  auto flusher = demo::read_task_stat(hang_->flusher_pid());
  ASSERT_TRUE(flusher.ok());
  EXPECT_EQ(flusher->comm.substr(flusher->comm.find('+') + 1), flush_name());
  // The dirtier is not stuck: it sleeps in pause() holding the dirty file open.
  expect_task_shape(hang_->dirtier_pid(), "S", "", {}, "dirtier");
}

TEST_F(FuseWritebackRemountTest, CleanupReleasesEverything) {
  std::vector<pid_t> pids = {hang_->daemon_pid(), hang_->dirtier_pid(), hang_->remount_pid(),
                             hang_->sync_pid()};
  auto conn = hang_->connection_id();
  std::string mnt = hang_->mount_point();
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  expect_gone(pids);
  expect_no_d_state(pids, flush_name());
  EXPECT_FALSE(demo::fuse_connection_exists(conn));
  EXPECT_FALSE(is_mounted(mnt));
}

}  // namespace
}  // namespace hangscope::live
