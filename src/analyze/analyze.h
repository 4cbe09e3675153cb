// The analysis entry point: Snapshot -> Findings. Pure: no I/O, no clock, no BPF.
#pragma once

#include "analyze/findings.h"
#include "model/snapshot.h"

namespace hangscope::analyze {

struct AnalyzeOptions {
  double min_stuck_seconds = 1.0;  ///< tasks stuck for less (when known) are not reported
  int only_pid = 0;                ///< when != 0: the chain of this task only (`why PID`)
  int max_hops = 32;               ///< safety bound on chain length
};

/// Builds every chain (stuck task -> ... -> root cause), groups tasks waiting on the same lock,
/// and reports cycles. With only_pid set and that task not blocked, returns no chain and a note.
Findings analyze(const model::Snapshot& snapshot, const AnalyzeOptions& options = {});

}  // namespace hangscope::analyze
