// Where `ftrace record` traces: its own tracefs instance, or the top-level instance when the
// kernel runs the tracer only there (Linux < 6.3 for function_graph, e.g. Debian 12's 6.1) and
// nobody else is using it.
#pragma once

#include <string>
#include <vector>

namespace hangscope::ftrace {

/// Who is using the top-level tracefs instance, as far as its files show.
struct TopLevelUse {
  std::string current_tracer;        ///< "nop" when no tracer is selected
  std::string set_event;             ///< enabled events, '\n'-separated ("" = none)
  std::vector<std::string> holders;  ///< "pid 812 (cat) has trace_pipe open", other processes
};

/// What record learnt about the kernel before choosing.
struct TargetProbe {
  std::string tracer = "function_graph";
  std::string release;          ///< uname -r, for messages
  std::string root;             ///< tracefs mount point (the top-level instance)
  bool instance_tried = false;  ///< a private instance was created and asked
  bool instance_has_tracer = false;
  std::string instance_available;  ///< its available_tracers, or why it could not be asked
  TopLevelUse top;
};

struct TargetChoice {
  bool top_level = false;  ///< trace in the top-level instance (saved and restored)
  std::string error;       ///< non-empty: refuse, with this one-line message
  std::vector<std::string> notes;
};

/// Why the top-level instance looks in use ("current_tracer is function; ..."); "" when idle.
std::string top_level_busy_reason(const TopLevelUse& use);

/// Chooses where to trace. The private instance when it has the tracer (and `want_top_level`
/// is false); else the top level when it is idle or `force` is set; else an error saying who
/// uses it and how to override. The caller has checked that the top level has the tracer.
TargetChoice choose_target(const TargetProbe& p, bool want_top_level, bool force);

/// Reads current_tracer and set_event under `root`, and lists processes other than this one
/// with a file under `root` open (from /proc/PID/fd links; at most `max_holders`). Unreadable
/// files read as "" (and the tracer as "nop").
TopLevelUse read_top_level_use(const std::string& root, size_t max_holders = 4);

}  // namespace hangscope::ftrace
