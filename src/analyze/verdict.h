// The verdict at the end of a chain: root cause and remedy, in words a person can act on.
#pragma once

#include "analyze/hop.h"

namespace hangscope::analyze {

/// The root cause for a chain whose last hop is `last` and whose end task (the holder the walk
/// stopped at) is `end` (nullptr when the chain ended with no live holder). Pure.
RootCause decide_root_cause(const ResolvedHop& last, const model::Task* end,
                            const SnapshotIndex& idx);

/// The root cause of a cycle of `members` (a deadlock).
RootCause deadlock_root_cause(const std::vector<TaskRef>& members);

}  // namespace hangscope::analyze
