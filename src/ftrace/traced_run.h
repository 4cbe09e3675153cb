// Runs a command under tracing: fork, stop before exec, start tracing for its pid, resume it,
// copy the trace until it exits, times out or Ctrl-C arrives. Independent of tracefs paths so
// that the process handling is testable on kernels whose ftrace is unavailable.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace hangscope::ftrace {

struct RecordResult {
  int pid = -1;
  bool exited = false;  ///< the command finished (wait status in exit_status)
  int exit_status = 0;
  bool timed_out = false;    ///< stopped by the timeout
  bool interrupted = false;  ///< stopped by SIGINT/SIGTERM
  bool still_alive = false;  ///< the command survived SIGKILL (e.g. in D state)
  uint64_t bytes = 0;        ///< bytes written to the output
  std::string instance;      ///< the tracefs instance directory traced in
  bool top_level = false;    ///< that was the top-level instance (settings saved and restored)
  std::vector<std::string> notes;
};

/// While one lives, SIGINT/SIGTERM/SIGHUP only set a flag (no SA_RESTART, so waits wake up); the
/// previous handlers come back when the outermost one is destroyed. Nesting is allowed.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  /// True once SIGINT or SIGTERM arrived since the outermost StopSignals was created.
  static bool requested();
};

struct TracedRun {
  std::vector<std::string> command;
  double timeout_s = 30;
  int out_fd = -1;     ///< where the trace goes
  std::string header;  ///< written to out_fd before the command resumes
  /// Called while the command is stopped before exec; starts tracing `pid` and returns a
  /// non-blocking descriptor to copy from (closed by run_traced).
  std::function<Result<int>(int pid)> start;
  /// Called once the command ended or the run was stopped, before the last copy.
  std::function<void()> stop;
};

/// Runs the command for at most `timeout_s` seconds (or until SIGINT/SIGTERM/SIGHUP). When it
/// has not exited by then, it and every process it started that still descends from it are
/// stopped and killed by pid (waited for 1 s; one stuck in D is left, with a note).
/// Error (one line): fork/exec setup failed, `start` failed (the command is killed), the output
/// is not writable. A command that cannot be executed is a note, not an error.
Result<RecordResult> run_traced(const TracedRun& run);

}  // namespace hangscope::ftrace
