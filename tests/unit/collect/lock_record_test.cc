// The lock a scanned task waits for: its wait and the owner decoded from the words read at it.
#include "collect/lock_record.h"

#include <gtest/gtest.h>

#include "unit/collect/scan_records.h"

namespace hangscope::collect {
namespace {

using model::LockKind;
using model::LockMode;
using testing::brief_record;
using testing::full_record;

TEST(LockRecord, MutexOwnerHasItsFlagBitsCleared) {
  auto f = full_record(10, "modprobe", 0x2, 0xa10);
  f.blocker = 0x5000 | HS_BLOCKER_MUTEX;
  f.lock_owner = 0xb20 | 0x1;  // MUTEX_FLAG_WAITERS
  f.owner_pid = 20;
  std::strncpy(f.owner_comm, "holder", sizeof f.owner_comm);
  auto owner = brief_record(20, "holder", 0x1, 0xb20);
  TasksByAddr by_addr{{0xb20, &owner}};
  model::Lock l = lock_from_blocker(f, by_addr, 0);
  EXPECT_EQ(*l.addr, 0x5000u);
  EXPECT_EQ(l.kind, LockKind::mutex);
  EXPECT_EQ(*l.owner_task, 0xb20u);
  EXPECT_EQ(*l.owner_pid, 20);
  EXPECT_EQ(l.owner_comm, "holder");
  EXPECT_EQ(l.owner_mode, LockMode::exclusive);
  EXPECT_EQ(l.confidence, model::Confidence::certain);
  EXPECT_EQ(l.how_found, "mutex.owner");
  EXPECT_FALSE(l.count.known());
}

TEST(LockRecord, SemaphoreLastHolderIsOnlyLikely) {
  auto f = full_record(11, "w", 0x2, 0xa11);
  f.blocker = 0x5100 | HS_BLOCKER_SEM;
  f.lock_owner = 0xb30;
  f.lock_count = 0;
  model::Lock l = lock_from_blocker(f, {}, 0);
  EXPECT_EQ(l.kind, LockKind::semaphore);
  EXPECT_EQ(*l.owner_task, 0xb30u);
  EXPECT_EQ(*l.count, 0);
  EXPECT_EQ(l.confidence, model::Confidence::likely);
  EXPECT_EQ(l.how_found, "semaphore.last_holder; no live task at the owner address");
}

TEST(LockRecord, ReaderOwnedRwsemCountsItsReaders) {
  auto f = full_record(12, "w", 0x2, 0xa12);
  f.blocker = 0x5200 | HS_BLOCKER_RWSEM_WRITER;
  f.lock_owner = 0xb40 | 0x1;  // RWSEM_READER_OWNED
  f.lock_count = (3 << 8) | 0x2;
  auto reader = brief_record(40, "reader", 0x1, 0xb40);
  model::Lock l = lock_from_blocker(f, {{0xb40, &reader}}, 0);
  EXPECT_EQ(l.kind, LockKind::rwsem);
  EXPECT_TRUE(l.reader_owned);
  EXPECT_EQ(l.owner_mode, LockMode::read);
  EXPECT_EQ(*l.owner_task, 0xb40u);
  EXPECT_EQ(l.confidence, model::Confidence::likely);
  EXPECT_EQ(l.how_found, "rw_semaphore.owner (reader-owned, 3 reader(s) by count)");
}

TEST(LockRecord, WaitNamesTheCallerOfTheLockFunctions) {
  model::Task t;
  for (const char* s : {"__schedule", "schedule", "rwsem_down_write_slowpath", "down_write",
                        "do_truncate", "do_sys_ftruncate"})
    t.stack.push_back({0, s, 0, "", true});
  auto b = kernel::decode_blocker(0x5300 | HS_BLOCKER_RWSEM_WRITER);
  model::Wait w = blocker_wait(b, "task_struct.blocker", LockMode::unknown, t, 0x9999);
  EXPECT_EQ(w.kind, LockKind::rwsem);
  EXPECT_EQ(w.mode, LockMode::write);
  EXPECT_EQ(*w.lock_addr, 0x5300u);
  EXPECT_EQ(w.wait_function, "do_truncate");
  EXPECT_EQ(w.how_found, "task_struct.blocker");
  EXPECT_TRUE(w.lock_name.empty());
}

TEST(LockRecord, WaitModeOverrideAndOwnMmapLock) {
  model::Task t;
  auto b = kernel::decode_blocker(0x7000 | HS_BLOCKER_RWSEM_WRITER);
  model::Wait w = blocker_wait(b, "waiter record", LockMode::read, t, 0x7000);
  EXPECT_EQ(w.mode, LockMode::read);
  EXPECT_EQ(w.lock_name, "mmap_lock");
  EXPECT_EQ(w.wait_function, "");
}

TEST(LockRecord, PercpuRwsemWaitIsForRead) {
  model::Wait w = percpu_rwsem_wait(0x9000);
  EXPECT_EQ(w.kind, LockKind::percpu_rwsem);
  EXPECT_EQ(w.mode, LockMode::read);
  EXPECT_EQ(*w.lock_addr, 0x9000u);
  EXPECT_EQ(w.wait_function, "percpu_rwsem_wait");
}

}  // namespace
}  // namespace hangscope::collect
