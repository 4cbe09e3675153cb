// Counters of the flight recorder and the exec hook, for the summary event and --prometheus.
#pragma once

#include <cstdint>
#include <optional>

namespace hangscope::watch {

/// The recorder since the start.
struct RecorderCounters {
  std::uint64_t written = 0;     ///< records written
  std::uint64_t failed = 0;      ///< records whose writing failed (error reported)
  std::uint64_t suppressed = 0;  ///< incidents skipped by the rate limit
  std::uint64_t dropped = 0;     ///< incidents dropped: the worker's queue was full
  std::uint64_t rotated = 0;     ///< older records deleted to stay within the caps
};

/// The exec hook since the start.
struct ExecCounters {
  std::uint64_t runs = 0;       ///< runs finished (however they ended)
  std::uint64_t failed = 0;     ///< runs that did not exit 0 (includes timed out)
  std::uint64_t timed_out = 0;  ///< runs killed at the time limit
  std::uint64_t dropped = 0;    ///< runs dropped: the worker's queue was full
};

/// What --record and --exec did (absent: not asked for).
struct IncidentCounters {
  std::optional<RecorderCounters> record;
  std::optional<ExecCounters> exec;
};

}  // namespace hangscope::watch
