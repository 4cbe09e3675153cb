// Task states from raw task_struct words. The words are the kernel's own numbers (as a BPF read
// returns them), not the shared constants, so a wrong constant fails here.
#include "kernel/task_state.h"

#include <gtest/gtest.h>

namespace hangscope::kernel {
namespace {

using S = model::TaskState;

TEST(TaskState, FromKernelWords) {
  EXPECT_EQ(task_state_from_kernel(0x2, 0), S::disk_sleep);
  EXPECT_EQ(task_state_from_kernel(0x102, 0), S::disk_sleep);  // TASK_KILLABLE
  EXPECT_EQ(task_state_from_kernel(0x402, 0), S::idle);        // TASK_IDLE
  EXPECT_EQ(task_state_from_kernel(0x4, 0), S::stopped);
  EXPECT_EQ(task_state_from_kernel(0x8, 0), S::traced);
  EXPECT_EQ(task_state_from_kernel(0x1, 0), S::sleeping);
  EXPECT_EQ(task_state_from_kernel(0, 0), S::running);
  EXPECT_EQ(task_state_from_kernel(0x40, 0), S::unknown);  // TASK_PARKED: not named here
}

TEST(TaskState, ExitStatesComeFirst) {
  EXPECT_EQ(task_state_from_kernel(0, 0x20), S::zombie);
  EXPECT_EQ(task_state_from_kernel(0x80, 0x10), S::dead);  // TASK_DEAD, EXIT_DEAD
  EXPECT_EQ(task_state_from_kernel(0x2, 0x20), S::zombie);
}

TEST(TaskState, BlockedIsUninterruptibleWithoutNoload) {
  EXPECT_TRUE(task_blocked(0x2));
  EXPECT_TRUE(task_blocked(0x102));   // killable waits count
  EXPECT_TRUE(task_blocked(0x8002));  // frozen by the cgroup freezer (TASK_FROZEN | D)
  EXPECT_FALSE(task_blocked(0x402));  // TASK_IDLE kernel threads wait for work
  EXPECT_FALSE(task_blocked(0x1));
  EXPECT_FALSE(task_blocked(0x4));
}

}  // namespace
}  // namespace hangscope::kernel
