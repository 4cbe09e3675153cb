// Episode logic from recorded contention events (no BPF).
#include "watch/episode.h"

#include <gtest/gtest.h>

namespace hangscope::watch {
namespace {

constexpr std::uint64_t kSec = 1000000000ull;
constexpr std::uint32_t kWrite = 1u << 2, kRead = 1u << 1, kMutex = 1u << 5;

LockWait wait_of(int pid, std::uint64_t lock, std::uint32_t flags, std::uint64_t start,
                 int owner = 0) {
  LockWait w;
  w.pid = pid;
  w.tgid = pid;
  w.comm = "t" + std::to_string(pid);
  w.lock = lock;
  w.flags = flags;
  w.start_ns = start;
  w.owner_pid = owner;
  w.owner_comm = owner ? "o" + std::to_string(owner) : "";
  return w;
}

TracerSample sample_at(std::uint64_t now, std::vector<LockWait> waits,
                       std::vector<EndedWait> ended = {}) {
  TracerSample s;
  s.now_ns = now;
  s.waits = std::move(waits);
  s.ended = std::move(ended);
  return s;
}

TEST(EpisodeTracker, ReportsOnceWhenOverThresholdThenReleasedWithRecordedEnd) {
  EpisodeTracker t(10);
  auto w = wait_of(100, 0xffff1000, kWrite, 5 * kSec, 42);
  EXPECT_TRUE(t.sweep(sample_at(14 * kSec, {w}), {}).stuck.empty());  // 9 s: below
  auto ev = t.sweep(sample_at(15 * kSec + 1, {w}), {});
  ASSERT_EQ(ev.stuck.size(), 1u);
  EXPECT_EQ(ev.stuck[0].episode.pid, 100);
  EXPECT_EQ(ev.stuck[0].episode.kind, "rwsem");
  EXPECT_EQ(ev.stuck[0].episode.owner, (OwnerRef{42, "o42"}));
  EXPECT_NEAR(ev.stuck[0].waited_seconds, 10.0, 1e-6);
  for (int i = 16; i < 20; ++i) {  // once per episode
    auto again = t.sweep(sample_at(i * kSec, {w}), {});
    EXPECT_TRUE(again.stuck.empty());
    EXPECT_TRUE(again.released.empty());
  }
  EXPECT_EQ(t.open_by_kind().at("rwsem"), 1);
  EXPECT_NEAR(t.longest_wait_seconds(), 14.0, 1e-6);
  auto end =
      t.sweep(sample_at(21 * kSec, {}, {{100, 0xffff1000, 5 * kSec, 20 * kSec + kSec / 2}}), {});
  ASSERT_EQ(end.released.size(), 1u);
  EXPECT_TRUE(end.released[0].exact);
  EXPECT_NEAR(end.released[0].lasted_seconds, 15.5, 1e-6);
  EXPECT_EQ(end.released[0].episode.owner.pid, 42);
  EXPECT_TRUE(t.open().empty());
}

TEST(EpisodeTracker, WaitOverThresholdBetweenSweepsIsReportedBrief) {
  EpisodeTracker t(2);
  EXPECT_TRUE(t.sweep(sample_at(10 * kSec, {}), {}).brief.empty());
  // Began at 10.2 s, over the threshold at 12.2 s, ended at 12.9 s: the sweeps at 11 s and 13 s
  // never saw it open.
  EndedWait x{31, 0xfeed0, 10 * kSec + kSec / 5, 12 * kSec + 9 * kSec / 10, 30, "kworker", kMutex,
              44, "holder"};
  EXPECT_TRUE(t.sweep(sample_at(11 * kSec, {wait_of(31, 0xfeed0, kMutex, x.start_ns, 44)}), {})
                  .stuck.empty());
  auto ev = t.sweep(sample_at(13 * kSec, {}, {x}), {});
  EXPECT_TRUE(ev.stuck.empty());
  EXPECT_TRUE(ev.released.empty());
  ASSERT_EQ(ev.brief.size(), 1u);
  const Episode& e = ev.brief[0].episode;
  EXPECT_EQ(e.pid, 31);
  EXPECT_EQ(e.tgid, 30);
  EXPECT_EQ(e.comm, "kworker");
  EXPECT_EQ(e.kind, "mutex");
  EXPECT_EQ(e.lock, 0xfeed0u);
  EXPECT_EQ(e.owner, (OwnerRef{44, "holder"}));
  EXPECT_TRUE(ev.brief[0].exact);
  EXPECT_NEAR(ev.brief[0].lasted_seconds, 2.7, 1e-6);
  EXPECT_TRUE(t.open().empty());
}

TEST(EpisodeTracker, EndedWaitOfAReportedEpisodeIsNotBrief) {
  EpisodeTracker t(2);
  auto w = wait_of(5, 0x40, kRead, 1 * kSec, 6);
  ASSERT_EQ(t.sweep(sample_at(4 * kSec, {w}), {}).stuck.size(), 1u);
  auto ev = t.sweep(sample_at(6 * kSec, {}, {{5, 0x40, 1 * kSec, 5 * kSec}}), {});
  EXPECT_EQ(ev.released.size(), 1u);
  EXPECT_TRUE(ev.brief.empty());
}

TEST(EpisodeTracker, EndWithoutRecordIsApproximateAtTheSweep) {
  EpisodeTracker t(2);
  auto w = wait_of(7, 0xabc0, kMutex, 1 * kSec);
  ASSERT_EQ(t.sweep(sample_at(4 * kSec, {w}), {}).stuck.size(), 1u);
  // A record of another wait of the same pid does not count as this one's end.
  auto end = t.sweep(sample_at(6 * kSec, {}, {{7, 0xabc0, 0, 3 * kSec}}), {});
  ASSERT_EQ(end.released.size(), 1u);
  EXPECT_FALSE(end.released[0].exact);
  EXPECT_NEAR(end.released[0].lasted_seconds, 5.0, 1e-6);
  EXPECT_EQ(end.released[0].episode.owner.pid, 0);  // unknown
}

TEST(EpisodeTracker, NewWaitOfSamePidEndsTheOldEpisodeAndMayStartAnother) {
  EpisodeTracker t(2);
  ASSERT_EQ(t.sweep(sample_at(5 * kSec, {wait_of(9, 0x10, kRead, 1 * kSec)}), {}).stuck.size(), 1u);
  auto ev = t.sweep(sample_at(9 * kSec, {wait_of(9, 0x20, kRead, 6 * kSec)}), {});
  ASSERT_EQ(ev.released.size(), 1u);
  EXPECT_EQ(ev.released[0].episode.lock, 0x10u);
  ASSERT_EQ(ev.stuck.size(), 1u);
  EXPECT_EQ(ev.stuck[0].episode.lock, 0x20u);
  // Same lock, later start (woke and waited again): also a new episode.
  auto ev2 = t.sweep(sample_at(20 * kSec, {wait_of(9, 0x20, kRead, 15 * kSec)}), {});
  EXPECT_EQ(ev2.released.size(), 1u);
  EXPECT_EQ(ev2.stuck.size(), 1u);
}

TEST(EpisodeTracker, ShortWaitsNeverReport) {
  EpisodeTracker t(1);
  for (int i = 1; i < 50; ++i) {
    auto ev = t.sweep(sample_at(i * kSec, {wait_of(i, 0x40, kWrite, i * kSec - kSec / 2)}), {});
    EXPECT_TRUE(ev.stuck.empty());
    EXPECT_TRUE(ev.released.empty());
  }
}

TEST(EpisodeTracker, PreexistingHangsFromTheSnapshot) {
  EpisodeTracker t(10);
  Episode e;
  e.pid = 300;
  e.comm = "sync";
  e.kind = "rwsem";
  e.owner = {301, "umount"};
  EXPECT_TRUE(t.add_preexisting(e, 9.5, 100 * kSec).empty());  // below the threshold
  auto ev = t.add_preexisting(e, 30, 100 * kSec);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(ev[0].episode.from_snapshot);
  EXPECT_EQ(ev[0].episode.start_ns, 70 * kSec);
  EXPECT_TRUE(t.add_preexisting(e, 31, 101 * kSec).empty());  // already tracked
  EXPECT_EQ(t.snapshot_pids(), std::vector<int>{300});
  EXPECT_TRUE(t.sweep(sample_at(101 * kSec, {}), {300}).released.empty());  // still in D
  auto end = t.sweep(sample_at(105 * kSec, {}), {});                        // no longer blocked
  ASSERT_EQ(end.released.size(), 1u);
  EXPECT_NEAR(end.released[0].lasted_seconds, 35.0, 1e-6);
  EXPECT_EQ(end.released[0].episode.owner.pid, 301);
  EXPECT_TRUE(t.snapshot_pids().empty());
}

TEST(EpisodeTracker, PreexistingEpisodeEndsWhenTheTaskWaitsAgain) {
  EpisodeTracker t(5);
  Episode e;
  e.pid = 50;
  ASSERT_EQ(t.add_preexisting(e, 20, 100 * kSec).size(), 1u);
  auto ev = t.sweep(sample_at(102 * kSec, {wait_of(50, 0x80, kWrite, 101 * kSec)}), {50});
  EXPECT_EQ(ev.released.size(), 1u);
  EXPECT_TRUE(ev.stuck.empty());  // the new wait is 1 s old
}

TEST(LockFlags, KindAndModeNames) {
  EXPECT_EQ(lock_kind_name(kMutex), "mutex");
  EXPECT_EQ(lock_kind_name(kMutex | 1u), "mutex");  // optimistic spin phase
  EXPECT_EQ(lock_kind_name(kRead), "rwsem");
  EXPECT_EQ(lock_kind_name((1u << 4) | kWrite), "percpu_rwsem");
  EXPECT_EQ(lock_kind_name(1u), "spinlock");
  EXPECT_EQ(lock_kind_name(1u | kRead), "rwlock");
  EXPECT_EQ(lock_kind_name(1u << 3), "rt_mutex");
  EXPECT_EQ(lock_kind_name(0), "semaphore");
  EXPECT_EQ(lock_mode_name(kRead), "read");
  EXPECT_EQ(lock_mode_name(kWrite), "write");
  EXPECT_EQ(lock_mode_name(kMutex), "exclusive");
}

}  // namespace
}  // namespace hangscope::watch
