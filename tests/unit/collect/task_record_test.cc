// One full task record decoded into a Task (no BPF, no root).
#include "collect/task_record.h"

#include <gtest/gtest.h>

#include "unit/collect/scan_records.h"

namespace hangscope::collect {
namespace {

using testing::full_record;

TEST(TaskRecord, IdsStateAndSymbolizedStack) {
  auto f = full_record(10, "sync", 0x2, 0xa10);
  f.b.tgid = 9;
  f.b.mm_addr = 0x6000;
  f.b.nr_frames = 2;
  f.stack[0] = 0xffffffff81000010;
  f.stack[1] = 0xffffffff81000104;
  model::Task t = task_from_record(f, testing::test_symbols());
  EXPECT_EQ(t.pid, 10);
  EXPECT_EQ(t.tgid, 9);
  EXPECT_EQ(t.comm, "sync");
  EXPECT_EQ(t.state, model::TaskState::disk_sleep);
  EXPECT_DOUBLE_EQ(*t.stuck_seconds, 5.0);
  EXPECT_EQ(*t.task_addr, 0xa10u);
  EXPECT_EQ(*t.mm_addr, 0x6000u);
  ASSERT_EQ(t.stack.size(), 2u);
  EXPECT_EQ(t.stack[0].symbol, "super_lock");
  EXPECT_EQ(t.stack[1].symbol, "do_truncate");
  EXPECT_TRUE(t.stop_reason.empty());
  EXPECT_FALSE(t.wait.known());
}

TEST(TaskRecord, FullLengthCommAndNoMmNoClock) {
  auto f = full_record(11, "0123456789abcdef", 0x4, 0xa11);  // 16 bytes: no terminating NUL
  f.since_ran_ns = 0;                                        // sched_info.last_arrival unknown
  model::Task t = task_from_record(f, testing::test_symbols());
  EXPECT_EQ(t.comm, "0123456789abcdef");
  EXPECT_FALSE(t.stuck_seconds.known());
  EXPECT_FALSE(t.mm_addr.known());  // a kernel thread
  EXPECT_EQ(t.state, model::TaskState::stopped);
  EXPECT_EQ(t.stop_reason, "SIGSTOP");
}

TEST(TaskRecord, StackStaysRawWithoutSymbolsAndIsBounded) {
  auto f = full_record(12, "gdb-target", 0x8, 0xa12);
  f.b.nr_frames = HS_STACK_DEPTH + 5;  // more than the record holds
  f.stack[0] = 0xffffffff81000010;
  model::Task t = task_from_record(f, Kallsyms{});
  ASSERT_EQ(t.stack.size(), static_cast<size_t>(HS_STACK_DEPTH));
  EXPECT_EQ(t.stack[0].addr, 0xffffffff81000010u);
  EXPECT_EQ(t.stack[0].symbol, "");
  EXPECT_EQ(t.stop_reason, "ptrace");
}

}  // namespace
}  // namespace hangscope::collect
