#include "collect/bpf_records.h"

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <unordered_map>

#include "kernel/lock_sites.h"

namespace hangscope::collect {

namespace {

using model::LockKind;
using model::LockMode;

constexpr std::uint64_t kReaderOwned = 1;  // RWSEM_READER_OWNED (kernel/locking/rwsem.c)
constexpr std::int64_t kWriterLocked = 1;  // RWSEM_WRITER_LOCKED in count
constexpr int kReaderShift = 8;            // RWSEM_READER_SHIFT

std::string cstr(const char* s, size_t n) { return std::string(s, strnlen(s, n)); }

}  // namespace

model::TaskState task_state_from_kernel(__u32 state, __u32 exit_state) {
  using S = model::TaskState;
  if (exit_state & 0x20) return S::zombie;       // EXIT_ZOMBIE
  if (exit_state & 0x10) return S::dead;         // EXIT_DEAD
  if ((state & 0x402) == 0x402) return S::idle;  // TASK_IDLE
  if (state & 0x2) return S::disk_sleep;
  if (state & 0x4) return S::stopped;
  if (state & 0x8) return S::traced;
  if (state & 0x1) return S::sleeping;
  if (state == 0) return S::running;
  return S::unknown;
}

void decode_task_records(std::string_view bytes, RawScan& raw) {
  size_t off = 0;
  while (off + sizeof(hs_task_brief) <= bytes.size()) {
    __u32 type;
    std::memcpy(&type, bytes.data() + off, sizeof type);
    if (type == HS_REC_BRIEF) {
      hs_task_brief b;
      std::memcpy(&b, bytes.data() + off, sizeof b);
      raw.briefs.push_back(b);
      off += sizeof b;
    } else if (type == HS_REC_FULL && off + sizeof(hs_task_full) <= bytes.size()) {
      hs_task_full f;
      std::memcpy(&f, bytes.data() + off, sizeof f);
      raw.briefs.push_back(f.b);
      raw.fulls.push_back(f);
      off += sizeof f;
    } else {
      break;
    }
  }
  raw.truncated_bytes += bytes.size() - off;
}

std::set<__u32> tasks_to_follow(const RawScan& raw) {
  std::set<__u32> have, want;
  std::unordered_map<__u64, __u32> pid_of;
  for (const auto& b : raw.briefs) pid_of.emplace(b.task_addr, b.pid);
  for (const auto& f : raw.fulls) have.insert(f.b.pid);
  auto add_addr = [&](__u64 owner) {
    auto it = pid_of.find(owner);
    if (it != pid_of.end() && !have.count(it->second)) want.insert(it->second);
  };
  for (const auto& f : raw.fulls) {
    if (f.blocker && f.lock_owner) add_addr(f.lock_owner & ~7ULL);
    if (!f.blocker && f.rec_head_a) {  // recovered lock: rwsem or mutex reading of its owner
      if (f.lock_owner) add_addr(f.lock_owner & ~7ULL);
      if (f.rec_mutex_owner) add_addr(f.rec_mutex_owner & ~7ULL);
    }
  }
  for (const auto& h : raw.holds) {
    if (!have.count(h.tgid)) want.insert(h.tgid);
  }
  for (const auto& w : raw.uffd_waits) {
    if (!have.count(w.pid)) want.insert(w.pid);
  }
  return want;
}

void merge_full_records(RawScan& raw, const RawScan& second, const std::set<__u32>& wanted) {
  for (const auto& f : second.fulls) {
    if (!wanted.count(f.b.pid)) continue;
    bool dup = false;
    for (const auto& g : raw.fulls) dup |= g.b.pid == f.b.pid;
    if (!dup) raw.fulls.push_back(f);
  }
}

namespace {

// How much later than the waiter's last run (after clock correction) a task must have been
// forked to count as a reuse of the owner's task_struct: sched clocks of different CPUs differ
// by a few ms even after the correction.
constexpr std::int64_t kForkAfterSleepMarginNs = 10'000'000;

model::Lock lock_from_blocker(const hs_task_full& f,
                              const std::unordered_map<__u64, const hs_task_brief*>& by_addr,
                              std::int64_t sched_clock_lag_ns) {
  model::Lock l;
  __u64 type = f.blocker & 3;
  l.addr = f.blocker & ~3ULL;
  l.confidence = model::Confidence::certain;
  __u64 owner = 0;
  if (type == HS_BLOCKER_MUTEX) {
    l.kind = LockKind::mutex;
    owner = f.lock_owner & ~7ULL;
    l.owner_mode = LockMode::exclusive;
    l.how_found = "mutex.owner";
  } else if (type == HS_BLOCKER_SEM) {
    l.kind = LockKind::semaphore;
    owner = f.lock_owner;
    l.owner_mode = LockMode::exclusive;
    l.count = f.lock_count;
    l.how_found = "semaphore.last_holder";
    l.confidence = model::Confidence::likely;
  } else {
    l.kind = LockKind::rwsem;
    owner = f.lock_owner & ~3ULL;
    l.count = f.lock_count;
    bool writer = (f.lock_count & kWriterLocked) != 0;
    l.reader_owned = (f.lock_owner & kReaderOwned) && !writer;
    l.owner_mode = writer ? LockMode::write : (l.reader_owned ? LockMode::read : LockMode::unknown);
    l.how_found = "rw_semaphore.owner";
    if (l.reader_owned) {
      l.confidence = model::Confidence::likely;
      long readers = f.lock_count >> kReaderShift;
      l.how_found =
          fmt::format("rw_semaphore.owner (reader-owned, {} reader(s) by count)", readers);
      if (readers == 0) owner = 0;  // leftover reader bit: nobody holds it
    }
  }
  l.owner_task = owner;
  if (owner) {
    l.owner_comm = cstr(f.owner_comm, sizeof f.owner_comm);
    l.owner_pid = static_cast<int>(f.owner_pid);
    auto it = by_addr.find(owner);
    if (it == by_addr.end()) {
      l.how_found += "; no live task at the owner address";
    } else if (f.last_ran_ns && static_cast<std::int64_t>(it->second->start_ns) >
                                    static_cast<std::int64_t>(f.last_ran_ns) + sched_clock_lag_ns +
                                        kForkAfterSleepMarginNs) {
      // The task now at that address was forked after this waiter went to sleep: the owner
      // exited (or was killed) holding the lock and its task_struct was reused. (start_time is
      // ktime, last_arrival sched_clock: compared after the measured lag, with a margin.)
      l.owner_stale = true;
      l.how_found +=
          fmt::format("; owner pointer reused by {} (pid {}), started after the wait began",
                      cstr(it->second->comm, sizeof it->second->comm), it->second->pid);
      l.owner_comm.clear();
      l.owner_pid = Maybe<int>::unknown("owner exited; its task_struct was reused");
    }
  }
  return l;
}

// For a D task without task_struct.blocker: turns the wait-list head recovered from its own
// waiter record into a blocker-like word (lock | type), choosing the lock type from the
// knowledge table (or, failing that, from the lock's waiter flag bits). 0 when nothing fits.
struct Recovered {
  __u64 blocker = 0;      // lock | HS_BLOCKER_* for rwsem/mutex/semaphore
  __u64 percpu_lock = 0;  // percpu_rw_semaphore address
  LockMode mode = LockMode::unknown;
};

Recovered recover(const hs_task_full& f, const hs_offsets& off,
                  const std::vector<model::StackFrame>& stack) {
  Recovered r;
  const kernel::LockSite* site = kernel::find_wait_site(stack);
  LockKind kind = site ? site->kind : LockKind::unknown;
  if (site) r.mode = site->mode;
  if (kind == LockKind::percpu_rwsem ||
      (kind == LockKind::unknown && f.rec_head_b && !f.rec_head_a)) {
    if (f.rec_head_b) r.percpu_lock = f.rec_head_b - off.pcpu_waiters_head;
    return r;
  }
  if (!f.rec_head_a) return r;
  bool rwsem_waiters = (f.lock_count & 2) != 0;       // RWSEM_FLAG_WAITERS
  bool mutex_waiters = (f.rec_mutex_owner & 1) != 0;  // MUTEX_FLAG_WAITERS
  if (kind == LockKind::unknown)
    kind = rwsem_waiters ? LockKind::rwsem : mutex_waiters ? LockKind::mutex : kind;
  if (kind == LockKind::rwsem) {
    // The waiter record's own type says how the lock is wanted (enum rwsem_waiter_type).
    r.mode = f.rec_waiter_type == 1 ? LockMode::read : LockMode::write;
    r.blocker = (f.rec_head_a - off.rwsem_wait_list) |
                (r.mode == LockMode::read ? HS_BLOCKER_RWSEM_READER : HS_BLOCKER_RWSEM_WRITER);
  } else if (kind == LockKind::mutex) {
    r.blocker = (f.rec_head_a - off.mutex_wait_list) | HS_BLOCKER_MUTEX;
  } else if (kind == LockKind::semaphore) {
    r.blocker = (f.rec_head_a - off.sem_wait_list) | HS_BLOCKER_SEM;
  }
  return r;
}

}  // namespace

void build_snapshot(const RawScan& raw, const Kallsyms& syms, model::Snapshot& snap) {
  std::unordered_map<__u64, const hs_task_brief*> by_addr;
  for (const auto& b : raw.briefs) by_addr.emplace(b.task_addr, &b);
  std::map<__u64, model::Lock> locks;
  std::map<__u32, __u64> uffd_of;
  for (const auto& w : raw.uffd_waits) uffd_of[w.pid] = w.ctx;

  for (const auto& s : raw.sbs) {
    model::SuperBlock sb;
    sb.addr = s.addr;
    sb.s_id = cstr(s.s_id, sizeof s.s_id);
    sb.fs_type = cstr(s.fs_type, sizeof s.fs_type);
    sb.dev = s.s_dev;
    sb.s_umount_addr = s.s_umount_addr;
    sb.s_writers_addr = s.s_writers_addr;
    sb.frozen = s.frozen;
    snap.super_blocks.push_back(std::move(sb));
  }
  std::set<__u64> sb_addrs;
  for (const auto& s : raw.sbs) sb_addrs.insert(s.addr);

  for (const auto& f : raw.fulls) {
    model::Task t;
    t.pid = static_cast<int>(f.b.pid);
    t.tgid = static_cast<int>(f.b.tgid);
    t.comm = cstr(f.b.comm, sizeof f.b.comm);
    t.state = task_state_from_kernel(f.b.state, f.b.exit_state);
    if (f.since_ran_ns) t.stuck_seconds = static_cast<double>(f.since_ran_ns) / 1e9;
    t.task_addr = f.b.task_addr;
    if (f.b.mm_addr) t.mm_addr = f.b.mm_addr;
    for (__u32 i = 0; i < f.b.nr_frames && i < HS_STACK_DEPTH; ++i) {
      t.stack.push_back(syms.empty() ? model::StackFrame{f.stack[i], "", 0, "", true}
                                     : syms.symbolize(f.stack[i]));
    }
    if (t.state == model::TaskState::stopped) t.stop_reason = "SIGSTOP";
    if (t.state == model::TaskState::traced) t.stop_reason = "ptrace";
    hs_task_full g = f;  // with a recovered blocker when the kernel set none
    std::string how = "task_struct.blocker";
    Recovered rec;
    if (!f.blocker && t.state == model::TaskState::disk_sleep && (f.rec_head_a || f.rec_head_b)) {
      rec = recover(f, raw.offsets, t.stack);
      if (rec.blocker) {
        g.blocker = rec.blocker;
        if ((rec.blocker & 3) == HS_BLOCKER_MUTEX) g.lock_owner = f.rec_mutex_owner;
        how = "waiter record on its kernel stack, verified against the lock's wait list";
      }
    }
    if (!f.blocker && t.state == model::TaskState::disk_sleep && !rec.blocker && !rec.percpu_lock &&
        raw.recovery_ran.count(f.b.pid)) {
      snap.notes.push_back(
          f.rec_head_a || f.rec_head_b
              ? fmt::format("pid {}: wait list head {:#x}/{:#x} found, but no lock type matched it "
                            "(rw_semaphore.count {:#x}, mutex.owner {:#x})",
                            f.b.pid, f.rec_head_a, f.rec_head_b, f.lock_count, f.rec_mutex_owner)
              : fmt::format("pid {}: no waiter record found on its kernel stack", f.b.pid));
    }
    __u64 lock_addr = g.blocker & ~3ULL;
    if (rec.percpu_lock) {
      model::Wait w;
      w.kind = LockKind::percpu_rwsem;
      w.mode = LockMode::read;
      w.lock_addr = rec.percpu_lock;
      w.confidence = model::Confidence::certain;
      w.how_found =
          "wait_queue_entry on its kernel stack, verified against the percpu rw-semaphore's "
          "waiters";
      w.wait_function = "percpu_rwsem_wait";
      t.wait = w;
    } else if (g.blocker && lock_addr && t.state == model::TaskState::disk_sleep) {
      model::Wait w;
      __u64 type = g.blocker & 3;
      w.kind = type == HS_BLOCKER_MUTEX ? LockKind::mutex
               : type == HS_BLOCKER_SEM ? LockKind::semaphore
                                        : LockKind::rwsem;
      w.mode = type == HS_BLOCKER_RWSEM_READER   ? LockMode::read
               : type == HS_BLOCKER_RWSEM_WRITER ? LockMode::write
                                                 : LockMode::exclusive;
      w.lock_addr = lock_addr;
      w.confidence = model::Confidence::certain;
      w.how_found = how;
      if (!f.blocker && rec.mode != LockMode::unknown) w.mode = rec.mode;
      for (const auto& fr : t.stack) {
        if (!fr.symbol.empty() && fr.symbol.find("schedule") == std::string::npos &&
            fr.symbol.find("slowpath") == std::string::npos && fr.symbol.find("down_") != 0 &&
            fr.symbol.find("mutex_lock") == std::string::npos && fr.symbol.find("__down") != 0) {
          w.wait_function = fr.symbol;
          break;
        }
      }
      if (lock_addr == f.mmap_lock_addr) w.lock_name = "mmap_lock";
      t.wait = w;
      if (!locks.count(lock_addr))
        locks.emplace(lock_addr, lock_from_blocker(g, by_addr, raw.sched_clock_lag_ns));
      // Inode candidate: valid when its i_sb is a known super_block.
      if (w.kind == LockKind::rwsem && sb_addrs.count(g.cand_inode_sb)) {
        bool dup = false;
        for (const auto& i : snap.inodes) dup |= i.addr == f.cand_inode;
        if (!dup)
          snap.inodes.push_back({f.cand_inode, f.cand_inode_ino, f.cand_inode_sb,
                                 cstr(f.cand_name, sizeof f.cand_name), lock_addr});
      }
      // mm candidate: the lock is some task's mmap_lock.
      for (const auto& g : raw.fulls) {
        if (g.mmap_lock_addr != lock_addr) continue;
        bool dup = false;
        for (const auto& m : snap.mms) dup |= m.addr == g.b.mm_addr;
        if (dup) break;
        model::MmStruct mm{g.b.mm_addr, g.mmap_lock_addr, {}};
        std::set<int> tgids;
        for (const auto& b : raw.briefs) {
          if (b.mm_addr == g.b.mm_addr) tgids.insert(static_cast<int>(b.tgid));
        }
        mm.tgids.assign(tgids.begin(), tgids.end());
        snap.mms.push_back(std::move(mm));
        break;
      }
    } else if (auto it = uffd_of.find(f.b.pid); it != uffd_of.end()) {
      model::Wait w;
      w.kind = LockKind::userfaultfd;
      w.mode = LockMode::exclusive;
      w.object_type = model::ObjectType::userfaultfd;
      w.object_addr = it->second;
      w.confidence = model::Confidence::certain;
      w.how_found = "userfaultfd_ctx fault wait queue";
      w.wait_function = "handle_userfault";
      t.wait = w;
    } else {
      t.wait = Maybe<model::Wait>::unknown(
          f.has_blocker_field ? "no blocker set" : "kernel has no task_struct.blocker");
    }
    snap.tasks.push_back(std::move(t));
  }
  for (auto& [addr, l] : locks) snap.locks.push_back(std::move(l));
  if (!raw.fulls.empty())
    snap.kernel.has_blocker_field = raw.fulls.front().has_blocker_field != 0;
  else
    snap.kernel.has_blocker_field = Maybe<bool>::unknown("no blocked task to read it from");

  std::map<__u64, std::set<int>> fuse, uffd;
  for (const auto& h : raw.holds)
    (h.kind == 1 ? fuse : uffd)[h.key].insert(static_cast<int>(h.tgid));
  for (const auto& [dev, pids] : fuse) {
    model::FuseConn c;
    c.id = static_cast<std::uint32_t>(dev);
    c.daemon_pids.assign(pids.begin(), pids.end());
    c.abort_path = fmt::format("/sys/fs/fuse/connections/{}/abort", c.id);
    snap.fuse_conns.push_back(std::move(c));
  }
  for (const auto& [ctx, pids] : uffd)
    snap.userfaultfds.push_back({ctx, std::vector<int>(pids.begin(), pids.end())});
  if (raw.dropped)
    snap.notes.push_back(fmt::format("BPF: {} records dropped (arrays full)", raw.dropped));
  if (raw.truncated_bytes)
    snap.notes.push_back(fmt::format("BPF: {} trailing bytes ignored", raw.truncated_bytes));
}

}  // namespace hangscope::collect
