// Drives a whole trace file through the line parser and the call-stack tracker.
#pragma once

#include <string>

#include "core/result.h"
#include "ftrace/call_stack.h"
#include "ftrace/line_reader.h"

namespace hangscope::ftrace {

/// Feeds every line of `reader` to `tracker`. Error (one line naming the file): read failure,
/// empty input, or no function_graph line at all (e.g. a `function` tracer trace, binary data).
/// When `stop` is given, reading ends early once *stop is true (the checks still apply).
Status scan_trace(LineReader& reader, CallStackTracker& tracker, const bool* stop = nullptr);

/// Opens `path` ("-" = stdin) and scans it. Same errors as above, plus open failures.
Status scan_trace_file(const std::string& path, CallStackTracker& tracker,
                       const bool* stop = nullptr);

/// "1.250 s", "3.100 ms", "12.000 us".
std::string format_seconds(double s);

/// `s` with control bytes and invalid UTF-8 lead bytes shown as \xNN (for terminal output).
std::string escape_text(std::string_view s);

}  // namespace hangscope::ftrace
