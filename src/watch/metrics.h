// node_exporter textfile metrics (Prometheus text format 0.0.4), written atomically.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/result.h"
#include "watch/incident_counters.h"
#include "watch/samples.h"

namespace hangscope::watch {

/// What --prometheus exports after each sweep.
struct WatchMetrics {
  std::map<std::string, int> stuck_by_kind;  ///< open episodes by lock kind
  double longest_wait_seconds = 0;           ///< longest current lock wait
  TracerCounters counters;
  IncidentCounters incidents;  ///< --record / --exec counters (only the parts in use)
};

/// The metrics as exposition text: every standard lock kind appears (0 when none), label
/// values escaped. Names: hangscope_watch_stuck_tasks{kind}, hangscope_watch_longest_wait_seconds,
/// hangscope_watch_contention_events_total, hangscope_watch_lost_events_total; with --record
/// hangscope_watch_records_{written,failed,suppressed,dropped,rotated}_total; with --exec
/// hangscope_watch_exec_runs_total{result="ok"|"failed"|"timed_out"},
/// hangscope_watch_exec_dropped_total.
std::string prometheus_text(const WatchMetrics& m);

/// Writes `text` to `path` atomically (PATH.tmp.PID, fsync, rename). The error names the path.
Status write_file_atomic(const std::string& path, const std::string& text);

}  // namespace hangscope::watch
