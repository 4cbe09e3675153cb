// `hangscope ftrace record`: a function_graph trace of one command, through a private tracefs
// instance that is removed again on exit, on timeout and on Ctrl-C; on kernels that run the
// tracer only in the top-level instance (function_graph before 6.3), through that one when it is
// idle, with every file changed saved and restored.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "ftrace/traced_run.h"

namespace hangscope::ftrace {

/// The smallest per-CPU buffer record uses unless --buffer-kb says otherwise (KiB).
inline constexpr unsigned kMinBufferKb = 2048;

struct RecordOptions {
  std::vector<std::string> command;          ///< argv of the command to trace
  std::vector<std::string> graph_functions;  ///< set_graph_function entries (-G); empty = all
  std::string output = "hangscope-ftrace.txt";
  double timeout_s = 30;                  ///< stop tracing after this long
  std::string tracer = "function_graph";  ///< another tracer only to test the tracefs driver
  /// Per-CPU ring buffer size (KiB); 0 = the instance's size, raised to kMinBufferKb when
  /// smaller (6.1's top level stays at 7 KiB and loses most events).
  unsigned buffer_kb = 0;
  bool top_level = false;  ///< trace in the top-level instance even if a private one would do
  bool force = false;      ///< take the top-level instance over even when it looks in use
};

/// The message for a kernel without `tracer` in available_tracers (one line, with what to use
/// instead).
std::string missing_tracer_message(const std::string& tracer, const std::string& available,
                                   const std::string& release);

/// Traces `opts.command`. Error (one line): not root, tracefs unavailable, the kernel lacks the
/// tracer (see missing_tracer_message), instance setup failure, command not startable, output
/// not writable. Everything it changed in tracefs is undone before it returns.
Result<RecordResult> record_command(const RecordOptions& opts);

/// record_command on the tracefs mounted at `root` (no mounting, no lock; tests pass a
/// directory tree laid out like tracefs). Same errors and guarantees.
Result<RecordResult> record_in(const std::string& root, const RecordOptions& opts);

}  // namespace hangscope::ftrace
