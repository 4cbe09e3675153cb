// A loop device over a file on a frozen ext4: the fsyncer on the upper ext4 waits for its
// writeback; the upper loop device's worker waits in sb_start_write on the frozen lower
// super_block. Checks the hang's shape in /proc and /sys, and that cleanup leaves nothing behind.
#include "demo/loop_on_frozen.h"

#include <gtest/gtest.h>

#include <string>

#include "demo/proc_task.h"
#include "demo/text_file.h"
#include "live/live_support.h"
#include "support/skip.h"

namespace hangscope::live {
namespace {

using demo::LoopOnFrozen;

class LoopOnFrozenTest : public HangTest<LoopOnFrozen> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    if (::access("/usr/sbin/mkfs.ext4", X_OK) != 0 && ::access("/sbin/mkfs.ext4", X_OK) != 0) {
      HS_SKIP("mkfs.ext4 not installed (e2fsprogs)");
    }
    auto hang = LoopOnFrozen::start({demo::Millis(20000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    remember_pid(hang_->writer_pid());
  }
};

TEST_F(LoopOnFrozenTest, WriterWaitsForALoopWorkerBlockedOnTheFreeze) {
  expect_task_shape(hang_->writer_pid(), "D", "folio_wait_bit",
                    {"folio_wait_writeback", "file_write_and_wait_range", "ext4_sync_file"},
                    "fsyncer");
  ASSERT_GT(hang_->loop_worker_pid(), 0);
  expect_task_shape(hang_->loop_worker_pid(), "D", "percpu_rwsem_wait",
                    {"lo_rw_aio", "loop_process_work"}, "upper loop worker");
  EXPECT_EQ(
      demo::read_first_line("/sys/block/" + hang_->upper_loop().name() + "/loop/backing_file"),
      hang_->backing_file());
}

TEST_F(LoopOnFrozenTest, CleanupThawsAndReleasesEverything) {
  pid_t writer = hang_->writer_pid();
  int lower = hang_->lower_loop().number(), upper = hang_->upper_loop().number();
  std::string upper_name = hang_->upper_loop().name();
  std::string lower_mnt = hang_->lower_mount_point(), upper_mnt = hang_->upper_mount_point();
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  expect_gone({writer});
  expect_no_d_state({writer}, upper_name);
  EXPECT_FALSE(is_mounted(lower_mnt));
  EXPECT_FALSE(is_mounted(upper_mnt));
  EXPECT_TRUE(loop_released(upper));
  EXPECT_TRUE(loop_released(lower));
}

}  // namespace
}  // namespace hangscope::live
