// Locks recovered from a task's own waiter record (recover.bpf.c's heads), without a blocker.
#include "collect/waiter_record.h"

#include <gtest/gtest.h>

#include "kernel/blocker.h"
#include "unit/collect/scan_records.h"

namespace hangscope::collect {
namespace {

using model::LockKind;
using model::LockMode;
using testing::full_record;

const hs_offsets kOffsets{0x18, 0x10, 0x8, 0x40};  // rwsem, mutex, semaphore, percpu heads

std::vector<model::StackFrame> frames(std::initializer_list<const char*> names) {
  std::vector<model::StackFrame> out;
  for (const char* n : names) out.push_back({0, n, 0, "", true});
  return out;
}

TEST(WaiterRecord, KnowledgeTableChoosesRwsemAndTheRecordItsMode) {
  auto f = full_record(40, "trunc", 0x102, 0xa40);
  f.rec_head_a = 0x7018;
  f.rec_waiter_type = 1;  // RWSEM_WAITING_FOR_READ
  RecoveredLock r = recover_lock(f, kOffsets, frames({"do_truncate"}));
  auto b = kernel::decode_blocker(r.blocker);
  EXPECT_EQ(b.kind, LockKind::rwsem);
  EXPECT_EQ(b.lock, 0x7000u);
  EXPECT_EQ(r.mode, LockMode::read);
  EXPECT_EQ(r.percpu_lock, 0u);
  EXPECT_EQ(recovery_failure_note(f, r), std::nullopt);
}

TEST(WaiterRecord, WaiterFlagsChooseWhenTheStackSaysNothing) {
  auto f = full_record(41, "w", 0x2, 0xa41);
  f.rec_head_a = 0x7010;
  f.rec_mutex_owner = 0xb50 | 0x1;  // MUTEX_FLAG_WAITERS; rwsem reading has no waiters
  f.lock_count = 0;
  RecoveredLock m = recover_lock(f, kOffsets, frames({"some_function"}));
  EXPECT_EQ(kernel::decode_blocker(m.blocker).kind, LockKind::mutex);
  EXPECT_EQ(kernel::decode_blocker(m.blocker).lock, 0x7000u);
  f.lock_count = 0x2;  // RWSEM_FLAG_WAITERS wins when both readings have waiters
  RecoveredLock r = recover_lock(f, kOffsets, frames({"some_function"}));
  EXPECT_EQ(kernel::decode_blocker(r.blocker).kind, LockKind::rwsem);
  EXPECT_EQ(kernel::decode_blocker(r.blocker).lock, 0x7010u - 0x18u);  // rwsem wait_list offset
}

TEST(WaiterRecord, WaitQueueEntryAloneIsAPercpuRwsem) {
  auto f = full_record(42, "writer", 0x2, 0xa42);
  f.rec_head_b = 0x9040;
  RecoveredLock r = recover_lock(f, kOffsets, frames({"some_function"}));
  EXPECT_EQ(r.percpu_lock, 0x9000u);
  EXPECT_EQ(r.blocker, 0u);
}

TEST(WaiterRecord, NotesSayWhatWasMissing) {
  auto f = full_record(43, "w", 0x2, 0xa43);
  EXPECT_EQ(*recovery_failure_note(f, {}), "pid 43: no waiter record found on its kernel stack");
  f.rec_head_a = 0x7010;  // a head, but neither reading has waiters
  RecoveredLock r = recover_lock(f, kOffsets, frames({"some_function"}));
  EXPECT_EQ(r.blocker, 0u);
  EXPECT_EQ(*recovery_failure_note(f, r),
            "pid 43: wait list head 0x7010/0x0 found, but no lock type matched it "
            "(rw_semaphore.count 0x0, mutex.owner 0x0)");
}

}  // namespace
}  // namespace hangscope::collect
