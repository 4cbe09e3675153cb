// The locks of D tasks without task_struct.blocker, recovered by recover.bpf.c from the task's own
// waiter record on its kernel stack: turning the wait-list head it found into a lock.
#pragma once

#include <linux/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/snapshot.h"
#include "scan.h"

namespace hangscope::collect {

/// The lock a recovered wait-list head belongs to.
struct RecoveredLock {
  std::uint64_t blocker = 0;      ///< lock | HS_BLOCKER_* for an rwsem, mutex or semaphore; 0: none
  std::uint64_t percpu_lock = 0;  ///< percpu_rw_semaphore address; 0: none
  model::LockMode mode = model::LockMode::unknown;  ///< how it is wanted, when known
};

/// Chooses the lock type of the heads in `f` (rec_head_a: a {list, task} waiter's list; rec_head_b:
/// a wait_queue_entry's) from the knowledge table's entry for `stack`, or failing that from the
/// waiter flag bits the lock's words carry, and subtracts that type's list offset from `off`.
/// Returns an empty RecoveredLock when no type fits.
RecoveredLock recover_lock(const hs_task_full& f, const hs_offsets& off,
                           const std::vector<model::StackFrame>& stack);

/// The note that says why a D task whose waiter record was looked for has no lock: no record found,
/// or a head that no lock type matched. nullopt when `rec` found a lock.
std::optional<std::string> recovery_failure_note(const hs_task_full& f, const RecoveredLock& rec);

}  // namespace hangscope::collect
