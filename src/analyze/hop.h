// One hop of a chain: what a task waits on, which object that is, and who holds it.
#pragma once

#include "analyze/findings.h"
#include "analyze/task_index.h"

namespace hangscope::analyze {

/// The wait of `task`: the collector's answer when present, else inferred from its stack with the
/// knowledge table (confidence "likely"). Unknown when neither gives an answer.
Maybe<model::Wait> resolve_wait(const model::Task& task, const SnapshotIndex& idx);

/// A hop plus the live tasks behind its holders (same order as hop.holders; nullptr = dead or
/// not in the snapshot).
struct ResolvedHop {
  Hop hop;
  std::vector<const model::Task*> holder_tasks;
  bool frozen = false;         // the wait is on a frozen super_block's s_writers
  bool frozen_likely = false;  // frozen inferred (no super_block to read s_writers.frozen from)
};

/// Resolves the hop for `waiter`, whose wait is `wait` (from resolve_wait). Never fails: holders
/// that cannot be found are left out and explained in hop.holder_note.
ResolvedHop resolve_hop(const model::Task& waiter, model::Wait wait, const SnapshotIndex& idx);

}  // namespace hangscope::analyze
