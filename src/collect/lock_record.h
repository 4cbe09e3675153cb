// Decoding the lock a scanned task waits for: its wait (kind, mode, where it waits) and the lock's
// owner from the words scan.bpf.c read at the lock.
#pragma once

#include <linux/types.h>

#include <cstdint>
#include <string>
#include <unordered_map>

#include "kernel/blocker.h"
#include "model/snapshot.h"
#include "scan.h"

namespace hangscope::collect {

/// Every scanned task by task_struct address, to match owner pointers.
using TasksByAddr = std::unordered_map<__u64, const hs_task_brief*>;

/// The lock `f.blocker` names, with the owner decoded from the words read at it (`lock_owner`,
/// `lock_count`, `owner_pid`, `owner_comm`). An owner pointer that matches no task in `by_addr`
/// is said to be so in how_found; one that matches a task forked after `f` last ran (compared
/// after `sched_clock_lag_ns`, see RawScan) is marked stale: the owner exited holding the lock.
model::Lock lock_from_blocker(const hs_task_full& f, const TasksByAddr& by_addr,
                              std::int64_t sched_clock_lag_ns);

/// The wait of task `t` on the lock `b` names, found as `how_found`; `mode` replaces the blocker's
/// mode unless unknown. The wait function is the innermost frame outside the lock's own sleeping
/// functions; the lock is named "mmap_lock" when it is at `mmap_lock_addr`, the task's own mm's.
model::Wait blocker_wait(const kernel::Blocker& b, const std::string& how_found,
                         model::LockMode mode, const model::Task& t, std::uint64_t mmap_lock_addr);

/// The wait of a task found queued on the percpu rw-semaphore at `lock` (for read: writers of a
/// frozen filesystem wait there in percpu_rwsem_wait).
model::Wait percpu_rwsem_wait(std::uint64_t lock);

}  // namespace hangscope::collect
