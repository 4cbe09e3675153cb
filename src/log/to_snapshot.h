// Correlation: a parsed kernel log as a model::Snapshot, so the same analysis (and reporters)
// that serve the live scan explain a log: stuck tasks with their stacks, what they wait on,
// and who holds it (a blocker line, a lockdep held-lock dump, or a task that Oopsed inside a
// function that holds the lock: then the lock is leaked).
#pragma once

#include "log/log_parser.h"
#include "model/snapshot.h"

namespace hangscope::log {

/// Builds the snapshot (source "log"). Lock addresses stay unknown: waits and locks are
/// matched by lock name. Never fails; what the log does not tell stays unknown.
model::Snapshot to_snapshot(const LogDigest& digest);

}  // namespace hangscope::log
