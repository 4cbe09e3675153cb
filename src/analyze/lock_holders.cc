#include "analyze/lock_holders.h"

#include <fmt/format.h>

#include "kernel/lock_sites.h"
#include "kernel/stack_context.h"
#include "kernel/taint.h"

namespace hangscope::analyze {

namespace {

using kernel::find_held_sites;
using kernel::LockSite;
using model::LockMode;

// A dead owner named by the kernel log: the task that died in an Oops (its comm matching the
// owner's when known; else the only such task). Fills pid/comm/death of `r` from it.
TaskRef with_oops(TaskRef r, const SnapshotIndex& idx) {
  const model::Task* victim = nullptr;
  int n = 0;
  for (const auto& t : idx.snapshot().tasks) {
    if (t.state != model::TaskState::dead || t.death.empty()) continue;
    if (!r.comm.empty() && r.comm != "?" && t.comm == r.comm) {
      victim = &t;
      n = 1;
      break;
    }
    victim = &t;
    ++n;
  }
  if (n != 1 || (r.pid != 0 && victim->pid != r.pid && r.comm == victim->comm)) return r;
  r.pid = victim->pid;
  r.comm = victim->comm;
  r.death = victim->death + " (kernel log)";
  return r;
}

// The kernel has killed a task since boot: taint D (TAINT_DIE) or an Oopsed task in the
// snapshot.
bool kernel_killed_a_task(const model::Snapshot& snap) {
  if (snap.kernel.taint_flags.known() &&
      kernel::has_taint(*snap.kernel.taint_flags, kernel::Taint::die))
    return true;
  for (const auto& t : snap.tasks) {
    if (t.state == model::TaskState::dead && !t.death.empty()) return true;
  }
  return false;
}

// The lock's owner pointer names the waiter itself, but no frame on the waiter's stack takes a
// lock of that name, and the kernel has killed a task: the owner died holding it and the waiter
// was forked into its freed task_struct (a real recursive self-deadlock shows the frame that
// took the lock).
bool owner_pointer_reused_by_waiter(const model::Task& owner, const model::Task& waiter,
                                    const model::Wait& w, const SnapshotIndex& idx) {
  if (owner.pid != waiter.pid || w.lock_name.empty()) return false;
  for (const LockSite* site : find_held_sites(waiter.stack)) {
    if (site->lock_name == w.lock_name) return false;
  }
  return kernel_killed_a_task(idx.snapshot());
}

// The lock a wait is on, as the collector recorded it: by address (live), else by name (logs);
// nullptr when no such lock was recorded.
const model::Lock* recorded_lock(const model::Wait& w, const SnapshotIndex& idx) {
  return w.lock_addr.known() ? idx.lock_by_addr(*w.lock_addr) : idx.lock_by_name(w.lock_name);
}

// Why a lock's owner pointer names no live task: the waiter reuses the owner's task_struct, a
// newer task does, or nothing at that address is alive.
std::string why_owner_is_gone(const model::Lock& lock, bool reused_by_waiter,
                              const model::Task& waiter, const model::Wait& w) {
  if (reused_by_waiter)
    return fmt::format(
        "the owner exited holding the lock; its task_struct now belongs to the waiter {} (pid "
        "{}), which takes no {} on its stack",
        waiter.comm, waiter.pid, w.lock_name);
  if (lock.owner_stale)
    return "the owner exited holding the lock (its task_struct now belongs to a newer task)";
  return fmt::format("no live task at owner address {:#x}; last known pid/comm may be stale",
                     *lock.owner_task);
}

// A dead owner as the lock last recorded it (pid and comm, unless the waiter now has them).
TaskRef dead_owner_ref(const model::Lock& lock, bool reused_by_waiter, const model::Task& waiter,
                       const model::Wait& w) {
  TaskRef r;
  r.pid = reused_by_waiter ? 0 : lock.owner_pid.value_or(0);
  r.comm = lock.owner_comm.empty() || reused_by_waiter ? "?" : lock.owner_comm;
  r.alive = false;
  r.state = model::TaskState::dead;
  r.death = why_owner_is_gone(lock, reused_by_waiter, waiter, w);
  return r;
}

// Live collection: the owner pointer decides (owner_pid is what was read there). A zombie or
// vanished owner is a dead holder, named from the kernel log when it died in an Oops; a
// reader-owned lock without a live owner gets no holder. Returns the live owner task, or null.
const model::Task* add_owner_from_pointer(ResolvedHop& rh, const model::Lock& lock,
                                          const model::Task& waiter, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  const model::Task* owner = lock.owner_stale ? nullptr : idx.task_by_addr(*lock.owner_task);
  bool reused_by_waiter = owner && owner_pointer_reused_by_waiter(*owner, waiter, hop.wait, idx);
  if (reused_by_waiter) owner = nullptr;
  if (owner && owner->state == model::TaskState::zombie) {
    hop.holders.push_back(with_oops(make_task_ref(*owner), idx));
    rh.holder_tasks.push_back(nullptr);
  } else if (owner) {
    hop.holders.push_back(make_task_ref(*owner));
    rh.holder_tasks.push_back(owner);
  } else if (!lock.reader_owned) {
    hop.holders.push_back(with_oops(dead_owner_ref(lock, reused_by_waiter, waiter, hop.wait), idx));
    rh.holder_tasks.push_back(nullptr);
  }
  return owner;
}

// Logs: the owner is named by pid; one not in the snapshot is dead. Returns its task, or null.
const model::Task* add_owner_named_by_pid(ResolvedHop& rh, const model::Lock& lock,
                                          const SnapshotIndex& idx) {
  const model::Task* owner = idx.task_by_pid(*lock.owner_pid);
  TaskRef r = owner ? make_task_ref(*owner) : TaskRef{};
  if (!owner) {
    r.pid = *lock.owner_pid;
    r.comm = lock.owner_comm;
    r.alive = false;
    r.state = model::TaskState::dead;
  }
  rh.hop.holders.push_back(r);
  rh.holder_tasks.push_back(owner && owner->state != model::TaskState::dead ? owner : nullptr);
  return owner;
}

// The holder the lock's owner field names (pointer when read live, else pid from a log), if
// any. Returns the owner task found, or null.
const model::Task* add_recorded_owner(ResolvedHop& rh, const model::Lock& lock,
                                      const model::Task& waiter, const SnapshotIndex& idx) {
  if (lock.owner_task.known() && *lock.owner_task != 0)
    return add_owner_from_pointer(rh, lock, waiter, idx);
  if (lock.owner_pid.known()) return add_owner_named_by_pid(rh, lock, idx);
  return nullptr;
}

// What the holder answer rests on: a reader-owned lock names only its last reader, which may
// be stale; an owner not read from the kernel says where it came from.
void note_owner_evidence(Hop& hop, const model::Lock& lock, const model::Task* owner) {
  if (lock.reader_owned) {
    hop.holder_mode = LockMode::read;
    hop.holder_note = fmt::format(
        "reader-owned: last reader {}, may be stale (readers are not tracked)",
        owner ? fmt::format("{} (pid {})", owner->comm, owner->pid) : std::string("unknown"));
  }
  if (!lock.how_found.empty() && hop.holder_note.empty() &&
      lock.confidence != model::Confidence::certain)
    hop.holder_note = "owner from " + lock.how_found;
}

// A task that died in an Oops (other than the waiter) as the likely owner: a task killed while
// holding a lock leaks it, and the kernel's hung-task detector stays silent after an Oops.
void add_oopsed_task_as_likely_owner(ResolvedHop& rh, const model::Task& waiter,
                                     const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  for (const auto& t : idx.snapshot().tasks) {
    if (t.state != model::TaskState::dead || t.death.empty() || t.pid == waiter.pid) continue;
    hop.holders.push_back(make_task_ref(t));
    rh.holder_tasks.push_back(nullptr);
    hop.holder_mode = LockMode::write;
    hop.holder_note = fmt::format(
        "likely owner: {} (pid {}) died in an Oops while {} was taken; "
        "no other task is known to hold it",
        t.comm, t.pid, hop.wait.lock_name);
    return;
  }
}

// Whether a holder working in filesystem `holder_fs` may hold the lock a waiter working in
// `waiter_fs` waits for: on the strict pass only the same filesystem; on the loose pass also
// stacks that name none, but never another filesystem (an i_rwsem held in ext4 is not the one a
// FUSE writer waits for).
bool filesystem_admits(std::string_view waiter_fs, std::string_view holder_fs, bool same_fs_only) {
  if (same_fs_only) return holder_fs == waiter_fs;
  return waiter_fs.empty() || holder_fs.empty() || holder_fs == waiter_fs;
}

// The innermost site of `stack` that holds a lock of the wait's name and kind, or nullptr.
const LockSite* held_site_matching(const std::vector<model::StackFrame>& stack,
                                   const model::Wait& w) {
  for (const LockSite* site : find_held_sites(stack)) {
    if (site->lock_name == w.lock_name && site->kind == w.kind) return site;
  }
  return nullptr;
}

// Tasks (other than the waiter) whose stacks hold a lock named like the wait's: first those
// working in the waiter's filesystem, then those whose stacks name none. True if one was found
// (the first is the holder).
bool add_held_site_holders(ResolvedHop& rh, const model::Task& waiter, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  std::string_view waiter_fs = kernel::filesystem_of(waiter.stack);
  for (bool same_fs_only : {true, false}) {
    if (same_fs_only && waiter_fs.empty()) continue;
    for (const auto& t : idx.snapshot().tasks) {
      if (t.pid == waiter.pid ||
          !filesystem_admits(waiter_fs, kernel::filesystem_of(t.stack), same_fs_only))
        continue;
      const LockSite* site = held_site_matching(t.stack, hop.wait);
      if (!site) continue;
      hop.holders.push_back(make_task_ref(t));
      rh.holder_tasks.push_back(t.state == model::TaskState::dead ? nullptr : &t);
      hop.holder_mode = site->mode;
      hop.holder_note = fmt::format("owner inferred from its stack: {} holds {} ({})",
                                    site->function, site->lock_name, site->source);
      return true;
    }
  }
  return false;
}

}  // namespace

void add_lock_holders(ResolvedHop& rh, const model::Task& waiter, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  if (const model::Lock* lock = recorded_lock(hop.wait, idx)) {
    hop.holder_mode = lock->owner_mode;
    const model::Task* owner = add_recorded_owner(rh, *lock, waiter, idx);
    note_owner_evidence(hop, *lock, owner);
    if (!hop.holders.empty()) return;
  }
  if (hop.wait.lock_name.empty()) return;
  if (add_held_site_holders(rh, waiter, idx)) return;
  add_oopsed_task_as_likely_owner(rh, waiter, idx);
}

}  // namespace hangscope::analyze
