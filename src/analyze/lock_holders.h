// Who holds a mutex, rw-semaphore or semaphore that a task waits for.
#pragma once

#include "analyze/hop.h"
#include "analyze/task_index.h"

namespace hangscope::analyze {

/// Fills rh.hop.holders (and rh.holder_tasks, same order) for `waiter`'s wait rh.hop.wait, from
/// the best evidence there is: the lock's recorded owner (pointer read live, or pid named by a
/// log), with dead and reused owners told apart; else tasks whose stacks hold a lock of that name
/// (knowledge table), in the waiter's filesystem first; else a task that died in an Oops. Sets
/// holder_mode and holder_note to say how sure the answer is. Leaves holders empty when no
/// evidence names one.
void add_lock_holders(ResolvedHop& rh, const model::Task& waiter, const SnapshotIndex& idx);

}  // namespace hangscope::analyze
