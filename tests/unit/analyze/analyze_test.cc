#include "analyze/analyze.h"

#include <gtest/gtest.h>

#include "kernel/taint.h"
#include "unit/analyze/snapshot_builder.h"

namespace hangscope::analyze {
namespace {

using model::LockKind;
using model::LockMode;
using model::TaskState;
using namespace hangscope::testing;

TEST(Analyze, DeadOwnerMeansLeakedLock) {
  model::Snapshot s;
  auto sync = task(100, "sync", TaskState::disk_sleep, 0xa000,
                   {"super_lock", "__iterate_supers", "ksys_sync"});
  sync.wait = blocker_wait(LockKind::rwsem, LockMode::read, 0x5070);
  s.tasks.push_back(sync);
  auto lock = owned_lock(0x5070, LockKind::rwsem, 0xdead000, LockMode::write);
  lock.owner_pid = 9151;
  lock.owner_comm = "modprobe";
  s.locks.push_back(lock);
  s.super_blocks.push_back({0x5000, "nfsd", "nfsd", 0x1234u, {}, 0x5070ull, 0x5200ull, 0});

  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  const Chain& c = f.chains[0];
  ASSERT_EQ(c.hops.size(), 1u);
  EXPECT_EQ(c.hops[0].object.type, model::ObjectType::super_block);
  EXPECT_EQ(c.hops[0].wait.lock_name, "s_umount");
  ASSERT_EQ(c.hops[0].holders.size(), 1u);
  EXPECT_FALSE(c.hops[0].holders[0].alive);
  EXPECT_EQ(c.hops[0].holders[0].pid, 9151);
  EXPECT_EQ(c.root.kind, RootKind::dead_owner);
  EXPECT_NE(c.root.remedy.find("reboot"), std::string::npos);
}

// The reaped owner's task_struct was reused by the waiter itself (seen on 6.1): the owner word
// names sync, which waits for read in iterate_supers and takes s_umount nowhere on its stack.
// After an Oops that is a dead owner (named from the log), not a self-deadlock.
TEST(Analyze, OwnerPointerReusedByTheWaiterIsADeadOwner) {
  model::Snapshot s;
  auto sync = task(
      120, "sync", TaskState::disk_sleep, 0xa110,
      {"rwsem_down_read_slowpath", "down_read", "super_lock", "__iterate_supers", "ksys_sync"});
  sync.wait = blocker_wait(LockKind::rwsem, LockMode::read, 0x5070);
  s.tasks.push_back(sync);
  auto insmod = task(113, "insmod", TaskState::dead, 0, {"leak_s_umount_init", "do_one_initcall"});
  insmod.death = "Oops: NULL pointer dereference";
  s.tasks.push_back(insmod);
  auto lock = owned_lock(0x5070, LockKind::rwsem, 0xa110, LockMode::write);
  lock.owner_pid = 120;
  lock.owner_comm = "sync";
  s.locks.push_back(lock);
  s.super_blocks.push_back({0x5000, "tmpfs", "tmpfs", 0x1234u, {}, 0x5070ull, 0x5200ull, 0});

  Findings f = analyze(s);
  EXPECT_TRUE(f.cycles.empty());
  ASSERT_EQ(f.chains.size(), 1u);
  const Chain& c = f.chains[0];
  ASSERT_EQ(c.hops.size(), 1u);
  ASSERT_EQ(c.hops[0].holders.size(), 1u);
  EXPECT_FALSE(c.hops[0].holders[0].alive);
  EXPECT_EQ(c.hops[0].holders[0].pid, 113);
  EXPECT_EQ(c.root.kind, RootKind::dead_owner);

  // Without any sign that the kernel killed a task, the same words stay a self-deadlock.
  s.tasks.pop_back();
  EXPECT_NE(analyze(s).chains[0].root.kind, RootKind::dead_owner);
  // Taint D (TAINT_DIE) is such a sign even when no Oopsed task is known; taint W is not.
  s.kernel.taint_flags = kernel::taint_bit(kernel::Taint::die);
  EXPECT_EQ(analyze(s).chains[0].root.kind, RootKind::dead_owner);
  s.kernel.taint_flags = kernel::taint_bit(kernel::Taint::warn);
  EXPECT_NE(analyze(s).chains[0].root.kind, RootKind::dead_owner);
}

// No lock address (e.g. the /proc fallback): the holder guessed from stacks stays in the
// waiter's filesystem, and a same-filesystem holder beats one whose stack names none.
TEST(Analyze, HolderGuessedFromStacksStaysInTheWaitersFilesystem) {
  model::Snapshot s;
  auto waiter =
      task(21, "writer2", TaskState::disk_sleep, 0x21,
           {"rwsem_down_write_slowpath", "down_write", "fuse_file_write_iter", "vfs_write"});
  s.tasks.push_back(waiter);
  s.tasks.push_back(task(30, "extwriter", TaskState::disk_sleep, 0x30,
                         {"io_schedule", "generic_perform_write", "ext4_buffered_write_iter"}));
  s.tasks.push_back(task(31, "tmpwriter", TaskState::disk_sleep, 0x31,
                         {"handle_userfault", "generic_perform_write", "generic_file_write_iter"}));
  s.tasks.push_back(task(20, "writer1", TaskState::disk_sleep, 0x20,
                         {"request_wait_answer", "fuse_perform_write", "fuse_file_write_iter"}));
  Findings f = analyze(s, {.only_pid = 21});
  ASSERT_EQ(f.chains.size(), 1u);
  const Hop& h = f.chains[0].hops[0];
  EXPECT_EQ(h.wait.lock_name, "i_rwsem");
  ASSERT_FALSE(h.holders.empty()) << h.holder_note;
  EXPECT_EQ(h.holders[0].pid, 20) << h.holder_note;
  // Without the FUSE holder, a task whose stack names no filesystem is the guess, never ext4's.
  s.tasks.pop_back();
  Findings g = analyze(s, {.only_pid = 21});
  ASSERT_FALSE(g.chains[0].hops[0].holders.empty());
  EXPECT_EQ(g.chains[0].hops[0].holders[0].pid, 31);
}

TEST(Analyze, CycleIsDeadlockWithEveryMember) {
  model::Snapshot s;
  auto a = task(1, "a", TaskState::disk_sleep, 0xa1);
  a.wait = blocker_wait(LockKind::mutex, LockMode::exclusive, 0x100);
  auto b = task(2, "b", TaskState::disk_sleep, 0xb2);
  b.wait = blocker_wait(LockKind::mutex, LockMode::exclusive, 0x200);
  auto c = task(3, "c", TaskState::disk_sleep, 0xc3);
  c.wait = blocker_wait(LockKind::mutex, LockMode::exclusive, 0x300);
  s.tasks = {a, b, c};
  s.locks = {owned_lock(0x100, LockKind::mutex, 0xb2, LockMode::exclusive),
             owned_lock(0x200, LockKind::mutex, 0xc3, LockMode::exclusive),
             owned_lock(0x300, LockKind::mutex, 0xa1, LockMode::exclusive)};
  Findings f = analyze(s);
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].members.size(), 3u);
  ASSERT_FALSE(f.chains.empty());
  EXPECT_EQ(f.chains[0].root.kind, RootKind::deadlock);
}

TEST(Analyze, MultiHopFollowsBlockedOwnersToStoppedDaemon) {
  model::Snapshot s;
  auto w2 = task(20, "writer2", TaskState::disk_sleep, 0x20,
                 {"rwsem_down_write_slowpath", "down_write", "fuse_file_write_iter"});
  w2.wait = blocker_wait(LockKind::rwsem, LockMode::write, 0x7000);
  auto w1 = task(10, "writer1", TaskState::sleeping, 0x10,
                 {"request_wait_answer", "__fuse_simple_request", "fuse_perform_write",
                  "fuse_file_write_iter"});
  auto daemon = task(5, "hangfs", TaskState::stopped, 0x5, {"do_signal_stop"});
  daemon.stop_reason = "SIGSTOP";
  s.tasks = {w2, w1, daemon};
  s.locks = {owned_lock(0x7000, LockKind::rwsem, 0x10, LockMode::write)};
  s.super_blocks.push_back(
      {0x9000, "fuse", "fuse", (0u << 20) | 45u, {"/mnt/f"}, 0x9070ull, 0x9200ull, 0});
  s.inodes.push_back({0x6f00, 2ull, 0x9000ull, "f", 0x7000ull});
  s.fuse_conns.push_back({45, {5}, "/sys/fs/fuse/connections/45/abort"});

  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  const Chain& c = f.chains[0];
  ASSERT_EQ(c.hops.size(), 2u);
  EXPECT_EQ(c.hops[0].object.type, model::ObjectType::inode);
  EXPECT_EQ(c.hops[0].holders[0].pid, 10);
  EXPECT_EQ(c.hops[1].wait.kind, LockKind::fuse_request);
  EXPECT_EQ(c.hops[1].wait.fuse_opcode, "WRITE");
  ASSERT_TRUE(c.hops[1].wait.fuse_conn.known());
  EXPECT_EQ(*c.hops[1].wait.fuse_conn, 45u);
  EXPECT_EQ(c.root.kind, RootKind::stopped_task);
  EXPECT_EQ(*c.root.pid, 5);
  EXPECT_NE(c.root.remedy.find("kill -CONT 5"), std::string::npos);
  EXPECT_NE(c.root.remedy.find("/sys/fs/fuse/connections/45/abort"), std::string::npos);
}

TEST(Analyze, TasksWaitingOnTheSameLockAreGrouped) {
  model::Snapshot s;
  for (int pid : {31, 32, 33}) {
    auto t = task(pid, "sync", TaskState::disk_sleep, 0x1000 + pid);
    t.wait = blocker_wait(LockKind::rwsem, LockMode::read, 0x4000);
    t.stuck_seconds = pid;  // 33 is the longest stuck
    s.tasks.push_back(t);
  }
  s.tasks.push_back(task(40, "owner", TaskState::running, 0x40));
  s.locks = {owned_lock(0x4000, LockKind::rwsem, 0x40, LockMode::write)};
  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  EXPECT_EQ(f.chains[0].stuck.pid, 33);
  EXPECT_EQ(f.chains[0].also_waiting, (std::vector<int>{32, 31}));
  EXPECT_EQ(f.chains[0].root.kind, RootKind::running_owner);
}

TEST(Analyze, MinStuckAndOnlyPidFilter) {
  model::Snapshot s;
  auto t = task(7, "x", TaskState::disk_sleep, 0x7, {"io_schedule"});
  t.stuck_seconds = 0.5;
  s.tasks.push_back(t);
  EXPECT_TRUE(analyze(s, {.min_stuck_seconds = 1.0}).chains.empty());
  EXPECT_EQ(analyze(s, {.min_stuck_seconds = 0.1}).chains.size(), 1u);
  Findings one = analyze(s, {.min_stuck_seconds = 1.0, .only_pid = 7});
  ASSERT_EQ(one.chains.size(), 1u);
  EXPECT_EQ(one.chains[0].hops[0].wait.kind, LockKind::io);
  Findings missing = analyze(s, {.only_pid = 99});
  EXPECT_TRUE(missing.chains.empty());
  ASSERT_FALSE(missing.notes.empty());
}

// The owner of a mutex sleeps in nanosleep: the lock came back to user space with it.
TEST(Analyze, OwnerSleepingForUserSpaceLeakedTheLock) {
  model::Snapshot s;
  auto cat =
      task(114, "cat", TaskState::disk_sleep, 0x114, {"__mutex_lock", "wait_read", "vfs_read"});
  cat.wait = blocker_wait(LockKind::mutex, LockMode::exclusive, 0x9040);
  s.tasks.push_back(cat);
  s.tasks.push_back(
      task(109, "sleep", TaskState::sleeping, 0x109,
           {"schedule", "do_nanosleep", "hrtimer_nanosleep", "__x64_sys_clock_nanosleep"}));
  s.locks = {owned_lock(0x9040, LockKind::mutex, 0x109, LockMode::exclusive)};
  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  const RootCause& rc = f.chains[0].root;
  EXPECT_EQ(rc.kind, RootKind::leaked_to_user);
  EXPECT_EQ(rc.pid, Maybe<int>(109));
  EXPECT_NE(rc.summary.find("in do_nanosleep"), std::string::npos) << rc.summary;
  EXPECT_NE(rc.remedy.find("reboot"), std::string::npos) << rc.remedy;

  // As 6.1 shows it (do_nanosleep inlined into hrtimer_nanosleep): the same verdict.
  s.tasks[1].stack = {frame("hrtimer_nanosleep"), frame("common_nsleep"),
                      frame("__x64_sys_clock_nanosleep")};
  EXPECT_EQ(analyze(s).chains[0].root.kind, RootKind::leaked_to_user);

  // The same owner blocked elsewhere (not a user-space sleep) stays "blocked on something".
  s.tasks[1].stack = {frame("schedule"), frame("io_schedule"), frame("folio_wait_bit_common")};
  EXPECT_EQ(analyze(s).chains[0].root.kind, RootKind::blocked_owner);
  // A reader-held rwsem names no exact owner: no such claim.
  s.tasks[1].stack = {frame("schedule"), frame("do_nanosleep")};
  s.tasks[0].wait = blocker_wait(LockKind::rwsem, LockMode::write, 0x9040);
  s.locks = {owned_lock(0x9040, LockKind::rwsem, 0x109, LockMode::read)};
  EXPECT_NE(analyze(s).chains[0].root.kind, RootKind::leaked_to_user);
}

TEST(Analyze, ReaderOwnedRwsemSaysMayBeStale) {
  model::Snapshot s;
  auto w = task(50, "w", TaskState::disk_sleep, 0x50);
  w.wait = blocker_wait(LockKind::rwsem, LockMode::write, 0x8000);
  s.tasks.push_back(w);
  auto l = owned_lock(0x8000, LockKind::rwsem, 0, LockMode::read);
  l.reader_owned = true;
  s.locks.push_back(l);
  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  EXPECT_NE(f.chains[0].hops[0].holder_note.find("may be stale"), std::string::npos);
  EXPECT_EQ(f.chains[0].root.kind, RootKind::no_owner);
}

TEST(Analyze, LogStyleLocksMatchByNameAndStackHeldSites) {
  // No addresses (kernel log): sync waits on s_umount by its stack; modprobe died in vfs_get_super.
  model::Snapshot s;
  s.tasks.push_back(task(10127, "sync", TaskState::disk_sleep, 0,
                         {"rwsem_down_read_slowpath", "down_read", "iterate_supers", "ksys_sync"}));
  s.tasks[0].task_addr = Maybe<std::uint64_t>::unknown("log");
  auto dead = task(9151, "modprobe", TaskState::dead, 0,
                   {"nfsd_fill_super", "vfs_get_super", "nfsd_fs_get_tree"});
  dead.task_addr = Maybe<std::uint64_t>::unknown("log");
  s.tasks.push_back(dead);
  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  const Hop& h = f.chains[0].hops[0];
  EXPECT_EQ(h.wait.lock_name, "s_umount");
  EXPECT_EQ(h.wait.mode, LockMode::read);
  ASSERT_EQ(h.holders.size(), 1u);
  EXPECT_EQ(h.holders[0].pid, 9151);
  EXPECT_EQ(h.holder_mode, LockMode::write);
  EXPECT_EQ(f.chains[0].root.kind, RootKind::dead_owner);
}

}  // namespace
}  // namespace hangscope::analyze

namespace hangscope::analyze {
namespace {

using namespace hangscope::testing;

TEST(Analyze, MmapLockWaitNamesTheProcessAndContainer) {
  model::Snapshot s;
  auto reader = task(60, "ps", model::TaskState::disk_sleep, 0x60,
                     {"__access_remote_vm", "proc_pid_cmdline_read"});
  reader.wait = blocker_wait(model::LockKind::rwsem, model::LockMode::read, 0xe070);
  reader.cgroup = std::string(
      "/system.slice/"
      "docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope");
  auto owner = task(61, "app", model::TaskState::disk_sleep, 0x61, {"io_schedule"});
  s.tasks = {reader, owner};
  s.locks = {owned_lock(0xe070, model::LockKind::rwsem, 0x61, model::LockMode::write)};
  s.mms.push_back({0xe000, 0xe070ull, {61}});
  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  const Chain& c = f.chains[0];
  EXPECT_EQ(c.stuck.cgroup.runtime, "docker");
  EXPECT_EQ(c.stuck.cgroup.container_id.substr(0, 12), "0123456789ab");
  EXPECT_EQ(c.hops[0].object.type, model::ObjectType::mm);
  EXPECT_EQ(c.hops[0].wait.lock_name, "mmap_lock");
  EXPECT_NE(c.hops[0].object.summary.find("app (pid 61)"), std::string::npos);
  ASSERT_EQ(c.hops.size(), 2u);  // the owner is blocked itself (I/O): followed
  EXPECT_EQ(c.hops[1].wait.kind, model::LockKind::io);
}

}  // namespace
}  // namespace hangscope::analyze

namespace hangscope::analyze {
namespace {

using namespace hangscope::testing;

TEST(Analyze, SbWritersWaitWithoutSuperBlockIsLikelyFrozen) {
  model::Snapshot s;  // as from a kernel log: stacks only
  s.tasks.push_back(task(70, "sh", model::TaskState::disk_sleep, 0,
                         {"percpu_rwsem_wait", "__percpu_down_read", "vfs_write"}));
  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  EXPECT_EQ(f.chains[0].root.kind, RootKind::frozen_fs);
  EXPECT_NE(f.chains[0].root.summary.find("most likely frozen"), std::string::npos);
  EXPECT_NE(f.chains[0].root.remedy.find("fsfreeze -u"), std::string::npos);
}

TEST(Analyze, FuseWaitWithUnknownConnectionDoesNotBlameAMissingDaemon) {
  model::Snapshot s;
  s.tasks.push_back(task(71, "cat", model::TaskState::disk_sleep, 0,
                         {"request_wait_answer", "fuse_simple_request"}));
  Findings f = analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  EXPECT_EQ(f.chains[0].root.summary.find("no daemon"), std::string::npos);
  EXPECT_NE(f.chains[0].root.summary.find("not known"), std::string::npos);
}

}  // namespace
}  // namespace hangscope::analyze

namespace hangscope::analyze {
namespace {

using namespace hangscope::testing;

model::Snapshot leaked_by(model::Task owner_state, bool stale) {
  model::Snapshot s;
  auto sync = task(118, "sync", model::TaskState::disk_sleep, 0xa118, {"iterate_supers"});
  sync.wait = blocker_wait(model::LockKind::rwsem, model::LockMode::read, 0x5070);
  s.tasks = {sync, owner_state};
  auto l = owned_lock(0x5070, model::LockKind::rwsem, 0xa113, model::LockMode::write);
  l.owner_stale = stale;
  s.locks = {l};
  // What the kernel log says: insmod 113 died in an Oops.
  auto dead = task(113, "insmod", model::TaskState::dead, 0, {"leak_s_umount_init"});
  dead.task_addr = Maybe<std::uint64_t>::unknown("log");
  dead.death = "killed by an Oops at 12.3 s";
  s.tasks.push_back(dead);
  return s;
}

TEST(Analyze, ZombieOwnerHoldsALeakedLock) {
  auto zombie = task(113, "insmod", model::TaskState::zombie, 0xa113);
  Findings f = analyze(leaked_by(zombie, false));
  ASSERT_EQ(f.chains.size(), 1u);
  ASSERT_EQ(f.chains[0].hops[0].holders.size(), 1u);
  EXPECT_FALSE(f.chains[0].hops[0].holders[0].alive);
  EXPECT_EQ(f.chains[0].hops[0].holders[0].pid, 113);
  EXPECT_EQ(f.chains[0].root.kind, RootKind::dead_owner);
}

TEST(Analyze, StaleOwnerPointerNamesTheOopsVictimFromTheLog) {
  auto newer = task(120, "sh", model::TaskState::sleeping, 0xa113);  // reused task_struct
  Findings f = analyze(leaked_by(newer, true));
  ASSERT_EQ(f.chains.size(), 1u);
  const auto& h = f.chains[0].hops[0].holders;
  ASSERT_EQ(h.size(), 1u);
  EXPECT_FALSE(h[0].alive);
  EXPECT_EQ(h[0].pid, 113);
  EXPECT_EQ(h[0].comm, "insmod");
  EXPECT_EQ(f.chains[0].root.kind, RootKind::dead_owner);
  EXPECT_EQ(*f.chains[0].root.pid, 113);
}

}  // namespace
}  // namespace hangscope::analyze
