// Decoding of scan.bpf.c records, from bytes built here (no BPF, no root).
#include "collect/bpf_records.h"

#include <gtest/gtest.h>

#include <cstring>

#include "unit/collect/scan_records.h"

namespace hangscope::collect {
namespace {

using testing::append_record;
using testing::brief_record;
using testing::full_record;
const Kallsyms& kSyms = testing::test_symbols();

TEST(BpfRecords, BlockerWaitWithLiveWriterOwner) {
  std::string bytes;
  auto sync = full_record(10, "sync", 0x2, 0xa10);
  sync.blocker = 0x5070 | HS_BLOCKER_RWSEM_READER;
  sync.lock_owner = 0xb20;  // writer-owned: no flag bits
  sync.lock_count = 1;      // RWSEM_WRITER_LOCKED
  sync.owner_pid = 20;
  sync.b.nr_frames = 1;
  sync.stack[0] = 0xffffffff81000010;
  append_record(bytes, sync);
  hs_task_brief owner{HS_REC_BRIEF, 20, 20, 0x1, 0, 0, 0, 0, 0xb20, 0, 0, "umount"};
  append_record(bytes, owner);
  bytes += "xyz";  // trailing garbage

  RawScan raw;
  decode_task_records(bytes, raw);
  EXPECT_EQ(raw.briefs.size(), 2u);
  ASSERT_EQ(raw.fulls.size(), 1u);
  EXPECT_EQ(raw.truncated_bytes, 3u);
  EXPECT_EQ(tasks_to_follow(raw), std::set<__u32>{20});

  model::Snapshot snap;
  build_snapshot(raw, kSyms, snap);
  ASSERT_EQ(snap.tasks.size(), 1u);
  const auto& t = snap.tasks[0];
  EXPECT_EQ(t.state, model::TaskState::disk_sleep);
  EXPECT_DOUBLE_EQ(*t.stuck_seconds, 5.0);
  ASSERT_TRUE(t.wait.known());
  EXPECT_EQ(t.wait->kind, model::LockKind::rwsem);
  EXPECT_EQ(t.wait->mode, model::LockMode::read);
  EXPECT_EQ(*t.wait->lock_addr, 0x5070u);
  EXPECT_EQ(t.stack[0].symbol, "super_lock");
  ASSERT_EQ(snap.locks.size(), 1u);
  EXPECT_EQ(*snap.locks[0].owner_task, 0xb20u);
  EXPECT_EQ(snap.locks[0].owner_mode, model::LockMode::write);
  EXPECT_FALSE(snap.locks[0].reader_owned);
  EXPECT_EQ(*snap.kernel.has_blocker_field, true);
}

TEST(BpfRecords, LeftoverReaderBitIsNoOwner) {
  RawScan raw;
  auto w = full_record(30, "w", 0x2, 0xa30);
  w.blocker = 0x6000 | HS_BLOCKER_RWSEM_WRITER;
  w.lock_owner = 0xdead0001;  // RWSEM_READER_OWNED, count says no readers
  w.lock_count = 0x2;         // waiters only
  raw.fulls.push_back(w);
  raw.briefs.push_back(w.b);
  model::Snapshot snap;
  build_snapshot(raw, kSyms, snap);
  ASSERT_EQ(snap.locks.size(), 1u);
  EXPECT_TRUE(snap.locks[0].reader_owned);
  EXPECT_EQ(*snap.locks[0].owner_task, 0u);
}

TEST(BpfRecords, RecoveredWaiterRecordGivesTheLock) {
  RawScan raw;
  raw.offsets = {0x18, 0x10, 0x8, 0x40};
  auto t = full_record(40, "trunc3", 0x102, 0xa40);  // TASK_KILLABLE: no blocker
  t.rec_head_a = 0x7018;
  t.lock_owner = 0xb50;
  t.lock_count = 0x3;  // writer locked + waiters
  t.b.nr_frames = 1;
  t.stack[0] = 0xffffffff81000110;  // do_truncate: i_rwsem for write
  raw.fulls.push_back(t);
  raw.briefs.push_back(t.b);
  auto f = full_record(41, "writer", 0x2, 0xa41);
  f.rec_head_b = 0x9040;
  f.b.nr_frames = 1;
  f.stack[0] = 0xffffffff81000300;  // percpu_rwsem_wait
  raw.fulls.push_back(f);
  raw.briefs.push_back(f.b);
  model::Snapshot snap;
  build_snapshot(raw, kSyms, snap);
  ASSERT_EQ(snap.tasks.size(), 2u);
  const auto& w = *snap.tasks[0].wait;
  EXPECT_EQ(w.kind, model::LockKind::rwsem);
  EXPECT_EQ(w.mode, model::LockMode::write);
  EXPECT_EQ(*w.lock_addr, 0x7000u);
  EXPECT_NE(w.how_found.find("waiter record"), std::string::npos);
  const auto& p = *snap.tasks[1].wait;
  EXPECT_EQ(p.kind, model::LockKind::percpu_rwsem);
  EXPECT_EQ(*p.lock_addr, 0x9000u);
}

TEST(BpfRecords, OwnerPointerReusedByANewerTaskIsStale) {
  RawScan raw;
  auto sync = full_record(118, "sync", 0x2, 0xa118);
  sync.blocker = 0x5070 | HS_BLOCKER_RWSEM_READER;
  sync.lock_owner = 0xa110;  // insmod's old task_struct, now reused by a newer task
  sync.lock_count = 3;
  sync.last_ran_ns = 5'000'000'000;  // sched_clock
  raw.fulls.push_back(sync);
  raw.briefs.push_back(sync.b);
  // Forked 2 s after sync last ran (start_time is ktime; here 40 ms ahead of sched_clock).
  raw.sched_clock_lag_ns = 40'000'000;
  hs_task_brief newer{HS_REC_BRIEF, 120, 120, 0x1, 0, 0, 0, 0, 0xa110, 0, 7'040'000'000, "sh"};
  raw.briefs.push_back(newer);
  model::Snapshot snap;
  build_snapshot(raw, kSyms, snap);
  ASSERT_EQ(snap.locks.size(), 1u);
  EXPECT_TRUE(snap.locks[0].owner_stale);
  EXPECT_NE(snap.locks[0].how_found.find("reused by sh (pid 120)"), std::string::npos);
}

// A live owner forked just before the waiter last ran, on a guest whose sched_clock runs 35 ms
// behind ktime: in raw numbers its start_time is 25 ms "after" the waiter's last arrival, but
// after the measured lag it is before it, so the owner is not taken for a reused task_struct.
TEST(BpfRecords, LiveOwnerIsNotStaleWhenSchedClockLagsKtime) {
  RawScan raw;
  auto sync = full_record(131, "sync", 0x2, 0xa131);
  sync.blocker = 0x5070 | HS_BLOCKER_RWSEM_READER;
  sync.lock_owner = 0xa130;
  sync.lock_count = 3;
  sync.last_ran_ns = 520'000'000;
  raw.fulls.push_back(sync);
  raw.briefs.push_back(sync.b);
  raw.sched_clock_lag_ns = 35'000'000;
  hs_task_brief umount{HS_REC_BRIEF, 130, 130, 0x2, 0, 0, 0, 0, 0xa130, 0, 545'000'000, "umount"};
  raw.briefs.push_back(umount);
  model::Snapshot snap;
  build_snapshot(raw, kSyms, snap);
  ASSERT_EQ(snap.locks.size(), 1u);
  EXPECT_FALSE(snap.locks[0].owner_stale) << snap.locks[0].how_found;
  EXPECT_EQ(snap.locks[0].how_found.find("reused"), std::string::npos);
  // Without the lag the same numbers would read as a reuse: the lag is what decides.
  raw.sched_clock_lag_ns = 0;
  model::Snapshot raw_clock;
  build_snapshot(raw, kSyms, raw_clock);
  EXPECT_TRUE(raw_clock.locks[0].owner_stale);
}

}  // namespace
}  // namespace hangscope::collect
