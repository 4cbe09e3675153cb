// `hangscope ftrace stuck`: the calls still open at the end of a trace, per task.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "ftrace/call_stack.h"

namespace hangscope::ftrace {

/// A call without its exit at the end of the trace.
struct OpenCall {
  std::string func;  ///< empty when the entry is not in the trace
  int depth = 0;
  uint64_t line_no = 0;  ///< 0 when the entry is not in the trace
  FrameOrigin origin = FrameOrigin::kTraced;
  bool irq = false;
  bool has_age = false;
  double entered_before_end_s = 0;  ///< trace end minus entry time, seconds (when has_age)
  double children_us = 0;           ///< time in finished direct children, microseconds
  uint32_t children = 0;
};

/// One task with open calls.
struct StuckTask {
  std::string label;  ///< "sync-1234", "cpu 0" or "all"
  std::string comm;
  int pid = -1, cpu = -1;
  std::vector<OpenCall> calls;  ///< outermost first
  uint64_t last_line = 0, calls_total = 0, missing_exits = 0, lost_events = 0;
  std::string last_func;
  bool has_idle = false;
  double idle_before_end_s = 0;  ///< trace end minus this task's last line, seconds
  bool sleeping = false;         ///< the innermost open call is a scheduler entry (schedule...)
};

struct StuckReport {
  std::string file;
  TraceStats stats;
  size_t tasks_seen = 0;
  std::vector<StuckTask> tasks;  ///< tasks with open calls, longest idle (or deepest) first
};

/// True for scheduler functions a blocked task sleeps in (schedule, io_schedule, ...).
bool is_sleep_function(std::string_view func);

/// The open calls of one task (calls empty when all returned); `stats` gives the trace end.
StuckTask stuck_task(const TaskStream& t, const TraceStats& stats);

/// The open calls of a scanned trace. `task_filter` keeps tasks whose label, comm or pid equals
/// it (empty = all).
StuckReport stuck_from_tracker(const CallStackTracker& tracker, const std::string& file,
                               const std::string& task_filter);

/// Scans `path` and returns its open calls. Error: as scan_trace_file.
Result<StuckReport> find_stuck(const std::string& path, const std::string& task_filter = "");

/// "... -> down_read -> rwsem_down_read_slowpath -> schedule".
std::string open_path(const std::vector<OpenCall>& calls);

/// Text for a terminal (control bytes escaped).
std::string render_stuck_text(const StuckReport& r);
/// JSON object {"schema": "hangscope-ftrace-stuck/1", ...}.
nlohmann::json stuck_to_json(const StuckReport& r);

}  // namespace hangscope::ftrace
