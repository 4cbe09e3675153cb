// One line of function_graph text (tracefs trace/trace_pipe, perf ftrace, trace-cmd report).
#pragma once

#include <cstdint>
#include <string_view>

namespace hangscope::ftrace {

/// What a line of function_graph output says.
enum class LineKind : uint8_t {
  kEntry,       ///< "func() {": a call that has children
  kExit,        ///< "}" or "} /* func */": the end of the innermost call at that depth
  kLeaf,        ///< "func();": a call without children (duration on the same line)
  kComment,     ///< "/* text */": trace_marker text or another event printed inline
  kIrqEnter,    ///< "==========>": an interrupt starts on this CPU
  kIrqExit,     ///< "<==========": the interrupt ends
  kTaskSwitch,  ///< " 1)  sync-123  =>  kworker-5 ": the CPU switched tasks
  kLostEvents,  ///< "CPU:2 [LOST 12 EVENTS]" or "CPU:2 [12 EVENTS DROPPED]"
  kTracerName,  ///< "# tracer: NAME" header; `func` holds NAME
  kIgnored,     ///< blank, '#' header, separator, trace-cmd header, another event
  kUnknown,     ///< not function_graph text
};

/// The fields of one parsed line. Views point into the line passed to parse_graph_line.
struct GraphLine {
  LineKind kind = LineKind::kUnknown;
  bool has_columns = false;  ///< a CPU, task, time or duration column was present
  int depth = -1;            ///< call depth from the indentation (0 = outermost), -1 if none
  int cpu = -1;              ///< CPU column, -1 when absent
  int pid = -1;              ///< TASK-PID column pid, -1 when absent
  std::string_view comm;     ///< TASK-PID column comm (empty when absent)
  bool has_timestamp = false;
  double timestamp_s = 0;  ///< absolute time column, seconds
  bool has_duration = false;
  double duration_us = 0;      ///< DURATION column, microseconds
  char overhead_mark = ' ';    ///< one of + ! # * @ $ or ' '
  std::string_view func;       ///< entry/leaf name, exit name from "/* func */" (may be empty)
  std::string_view comment;    ///< comment text (kComment)
  std::string_view next_comm;  ///< kTaskSwitch: the task switched to (comm/pid = previous)
  int next_pid = -1;
  uint64_t lost_count = 0;  ///< kLostEvents: events lost, 0 when the count is not printed
};

/// Longest function name accepted (longer names make the line kUnknown).
inline constexpr size_t kMaxFunctionName = 512;
/// Deepest call depth accepted (deeper indentation makes the line kUnknown).
inline constexpr int kMaxDepth = 1024;

/// Parses one line (without its newline; a trailing '\r' is ignored). Never fails: text that
/// is not function_graph output is kUnknown.
GraphLine parse_graph_line(std::string_view line);

/// True for kinds that come only from function_graph output (entry, exit, leaf, irq markers).
inline bool is_graph_kind(LineKind k) {
  return k == LineKind::kEntry || k == LineKind::kExit || k == LineKind::kLeaf ||
         k == LineKind::kIrqEnter || k == LineKind::kIrqExit;
}

}  // namespace hangscope::ftrace
