// Per-task call stacks rebuilt from function_graph lines, streaming: memory is proportional to
// the number of tasks times their call depth, never to the trace length.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ftrace/graph_line.h"

namespace hangscope::ftrace {

/// How a frame came to be on a stack.
enum class FrameOrigin : uint8_t {
  kTraced,       ///< its entry line is in the trace
  kBeforeTrace,  ///< entered before the trace starts (a trace tail starts at depth > 0)
  kEntryLost,    ///< the entry was lost (lost events, or a deeper line with no entry)
};

/// One call on a task's stack.
struct Frame {
  std::string func;      ///< empty when the entry is not in the trace and no "/* func */" named it
  int depth = 0;         ///< 0 = outermost
  uint64_t line_no = 0;  ///< line of the entry; 0 when not traced
  bool has_timestamp = false;
  double entry_s = 0;      ///< absolute time of the entry, seconds
  double children_us = 0;  ///< sum of the durations of finished direct children, microseconds
  uint32_t children = 0;   ///< finished direct children
  bool irq = false;        ///< entered inside an interrupt (between ==========> and <==========)
  FrameOrigin origin = FrameOrigin::kTraced;
};

/// The call stack of one task (or of one CPU when the trace has no task column).
struct TaskStream {
  uint64_t key = 0;
  size_t index = 0;           ///< position in first-seen order (stable for the same input)
  std::string comm;           ///< empty when unknown
  int pid = -1;               ///< -1 when unknown (then cpu names the stream)
  int cpu = -1;               ///< CPU of the last line, -1 when the trace has no CPU column
  std::vector<Frame> frames;  ///< storage; only the first `open` are on the stack
  size_t open = 0;
  uint64_t first_line = 0, last_line = 0;  ///< last_line = the line being processed in callbacks
  uint64_t calls = 0;                      ///< entries + leaves
  uint64_t missing_exits = 0;              ///< calls closed without their exit line
  uint64_t lost_events = 0;                ///< events the ring buffer dropped on this task's CPU
  bool has_timestamp = false;
  double last_s = 0;      ///< time of the last line, seconds
  std::string last_func;  ///< last function entered, left or called
  std::vector<size_t> irq_marks;

  std::span<const Frame> stack() const { return {frames.data(), open}; }
  /// "sync-1234", "cpu 0" or "all".
  std::string label() const;
};

/// Receives the call events as the tracker rebuilds the stacks.
class CallEventSink {
 public:
  virtual ~CallEventSink() = default;
  /// A call starts (also for placeholder frames of calls entered before the trace).
  virtual void on_enter(const TaskStream&, const Frame&) {}
  /// A call ends. `exit` is null when its exit line is not in the trace.
  virtual void on_exit(const TaskStream&, const Frame&, const GraphLine* exit) { (void)exit; }
  /// A call without children at `depth`.
  virtual void on_leaf(const TaskStream&, const GraphLine&, int depth, bool irq, uint64_t line) {
    (void)depth, (void)irq, (void)line;
  }
};

/// Counters over a whole trace.
struct TraceStats {
  uint64_t lines = 0, graph_lines = 0, column_lines = 0, comments = 0, unknown_lines = 0,
           overlong_lines = 0;
  uint64_t lost_events = 0, lost_notes = 0, task_switches = 0, dropped_lines = 0;
  bool has_timestamps = false;
  double end_s = 0;    ///< latest timestamp seen, seconds
  std::string tracer;  ///< from "# tracer: NAME", empty when absent
};

/// Rebuilds per-task call stacks from parsed lines.
class CallStackTracker {
 public:
  /// Most tasks tracked; lines of further tasks are counted in TraceStats::dropped_lines.
  static constexpr size_t kMaxStreams = 1 << 16;
  /// Most frames stored over all tasks (~100 bytes each); a line that would need more (e.g.
  /// thousands of tasks each at depth 1000 in hostile input) is counted as dropped.
  static constexpr size_t kMaxFrames = 1 << 21;

  explicit CallStackTracker(CallEventSink* sink = nullptr) : sink_(sink) {}
  /// Feeds one parsed line; `line_no` is 1-based.
  void feed(const GraphLine& g, uint64_t line_no);
  /// Tasks in the order they first appeared.
  const std::vector<std::unique_ptr<TaskStream>>& streams() const { return streams_; }
  TraceStats& stats() { return stats_; }
  const TraceStats& stats() const { return stats_; }

 private:
  TaskStream* stream_for(const GraphLine& g);
  TaskStream* stream_by_key(uint64_t key, int pid, std::string_view comm);
  void settle(TaskStream& t, int depth, uint64_t line_no, bool before_seen);
  void pop(TaskStream& t, const GraphLine* exit);
  void task_switch(const GraphLine& g);
  void lost(const GraphLine& g);

  CallEventSink* sink_;
  TraceStats stats_;
  std::vector<std::unique_ptr<TaskStream>> streams_;
  std::unordered_map<uint64_t, size_t> index_;
  TaskStream* last_ = nullptr;
  size_t frames_stored_ = 0;
  struct CpuTask {
    int pid = -1;
    std::string comm;
  };
  std::vector<CpuTask> cpu_task_;  ///< task running on each CPU, from task switch lines
  CpuTask no_column_task_;         ///< the task of the last switch line (for column-less lines)
};

}  // namespace hangscope::ftrace
