// A loop device that stopped completing I/O (its backing file is on a FUSE mount with a stopped
// daemon) with every request tag in use: 4 readers in flight (submit_bio_wait), 2 more waiting
// for a tag (blk_mq_get_tag). Checks the hang's shape and that cleanup restores the queue depth
// and leaves nothing behind.
#include "demo/loop_tags_exhausted.h"

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

using demo::LoopTagsExhausted;

class LoopTagsExhaustedTest : public HangTest<LoopTagsExhausted> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    auto hang = LoopTagsExhausted::start({hangfs_binary(), demo::Millis(10000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    remember_pid(hang_->daemon_pid());
    for (pid_t p : hang_->inflight_reader_pids()) remember_pid(p);
    for (pid_t p : hang_->tag_waiter_pids()) remember_pid(p);
  }
};

TEST_F(LoopTagsExhaustedTest, ReadersHoldEveryTagAndOthersWaitForOne) {
  ASSERT_EQ(hang_->inflight_reader_pids().size(), 4u);
  ASSERT_EQ(hang_->tag_waiter_pids().size(), 2u);
  for (pid_t p : hang_->inflight_reader_pids()) {
    expect_task_shape(p, "D", "submit_bio_wait", {"__blkdev_direct_IO_simple"}, "dio_reader");
  }
  for (pid_t p : hang_->tag_waiter_pids()) {
    expect_task_shape(p, "D", "blk_mq_get_tag", {"blk_mq_submit_bio", "submit_bio_wait"},
                      "tag_waiter");
  }
  ASSERT_GT(hang_->loop_worker_pid(), 0);
  expect_task_shape(hang_->loop_worker_pid(), "DS", "", {"lo_rw_aio"}, "loop worker");
  std::string sys = "/sys/block/" + hang_->loop_name();
  EXPECT_EQ(demo::read_first_line(sys + "/queue/nr_requests"), "4");
  std::istringstream inflight(demo::read_first_line(sys + "/inflight"));
  int reads = -1, writes = -1;
  inflight >> reads >> writes;
  EXPECT_EQ(reads, 4);
  EXPECT_EQ(writes, 0);
  EXPECT_EQ(demo::read_first_line(sys + "/loop/backing_file"), hang_->backing_file());
}

TEST_F(LoopTagsExhaustedTest, CleanupRestoresTheQueueAndReleasesEverything) {
  std::vector<pid_t> pids = hang_->inflight_reader_pids();
  for (pid_t p : hang_->tag_waiter_pids()) pids.push_back(p);
  pids.push_back(hang_->daemon_pid());
  std::string name = hang_->loop_name();
  int number = std::stoi(name.substr(4));
  auto conn = hang_->connection_id();
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  expect_gone(pids);
  expect_no_d_state(pids, name);
  EXPECT_FALSE(demo::fuse_connection_exists(conn));
  EXPECT_TRUE(loop_released(number));
  // The loop device stays in /sys/block once detached: its queue depth must be back.
  EXPECT_NE(demo::read_first_line("/sys/block/" + name + "/queue/nr_requests"), "4");
}

}  // namespace
}  // namespace hangscope::live
