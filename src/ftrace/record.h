// `hangscope ftrace record`: a function_graph trace of one command, through a private tracefs
// instance that is removed again on exit, on timeout and on Ctrl-C.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "ftrace/traced_run.h"

namespace hangscope::ftrace {

struct RecordOptions {
  std::vector<std::string> command;          ///< argv of the command to trace
  std::vector<std::string> graph_functions;  ///< set_graph_function entries (-G); empty = all
  std::string output = "hangscope-ftrace.txt";
  double timeout_s = 30;                  ///< stop tracing after this long
  std::string tracer = "function_graph";  ///< another tracer only to test the tracefs driver
  unsigned buffer_kb = 0;                 ///< per-CPU ring buffer size, 0 = kernel default
};

/// The message for a kernel without `tracer` in available_tracers (one line, with what to use
/// instead).
std::string missing_tracer_message(const std::string& tracer, const std::string& available,
                                   const std::string& release);

/// Traces `opts.command`. Error (one line): not root, tracefs unavailable, the kernel lacks the
/// tracer (see missing_tracer_message), instance setup failure, command not startable, output
/// not writable. Everything it changed in tracefs is undone before it returns.
Result<RecordResult> record_command(const RecordOptions& opts);

}  // namespace hangscope::ftrace
