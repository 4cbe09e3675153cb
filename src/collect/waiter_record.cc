#include "collect/waiter_record.h"

#include <fmt/format.h>

#include "kernel/blocker.h"
#include "kernel/lock_sites.h"
#include "kernel/owner_word.h"

namespace hangscope::collect {

using model::LockKind;
using model::LockMode;

RecoveredLock recover_lock(const hs_task_full& f, const hs_offsets& off,
                           const std::vector<model::StackFrame>& stack) {
  RecoveredLock r;
  const kernel::LockSite* site = kernel::find_wait_site(stack);
  LockKind kind = site ? site->kind : LockKind::unknown;
  if (site) r.mode = site->mode;
  if (kind == LockKind::percpu_rwsem ||
      (kind == LockKind::unknown && f.rec_head_b && !f.rec_head_a)) {
    if (f.rec_head_b) r.percpu_lock = f.rec_head_b - off.pcpu_waiters_head;
    return r;
  }
  if (!f.rec_head_a) return r;
  // recover.bpf.c read the head's lock both as an rw_semaphore (lock_owner, lock_count) and as a
  // mutex (rec_mutex_owner): the waiter flag of each reading says which one has waiters.
  if (kind == LockKind::unknown) {
    if (kernel::decode_rwsem(f.lock_owner, f.lock_count).has_waiters)
      kind = LockKind::rwsem;
    else if (kernel::mutex_has_waiters(f.rec_mutex_owner))
      kind = LockKind::mutex;
  }
  if (kind == LockKind::rwsem) {
    // The waiter record's own type says how the lock is wanted (enum rwsem_waiter_type).
    r.mode = f.rec_waiter_type == HS_RWSEM_WAITING_FOR_READ ? LockMode::read : LockMode::write;
    r.blocker = kernel::encode_blocker(f.rec_head_a - off.rwsem_wait_list, kind, r.mode);
  } else if (kind == LockKind::mutex) {
    r.blocker = kernel::encode_blocker(f.rec_head_a - off.mutex_wait_list, kind, r.mode);
  } else if (kind == LockKind::semaphore) {
    r.blocker = kernel::encode_blocker(f.rec_head_a - off.sem_wait_list, kind, r.mode);
  }
  return r;
}

std::optional<std::string> recovery_failure_note(const hs_task_full& f, const RecoveredLock& rec) {
  if (rec.blocker || rec.percpu_lock) return std::nullopt;
  if (!f.rec_head_a && !f.rec_head_b)
    return fmt::format("pid {}: no waiter record found on its kernel stack", f.b.pid);
  return fmt::format(
      "pid {}: wait list head {:#x}/{:#x} found, but no lock type matched it "
      "(rw_semaphore.count {:#x}, mutex.owner {:#x})",
      f.b.pid, f.rec_head_a, f.rec_head_b, f.lock_count, f.rec_mutex_owner);
}

}  // namespace hangscope::collect
