// Call-trace lines as the kernel prints them ("func+0x12/0x34 [mod]", "? func+0x..",
// "[<ffffffff81000000>] func+0x..") and the lines around them (markers, registers).
#pragma once

#include <string_view>

#include "model/snapshot.h"

namespace hangscope::log {

/// Parses one frame line (prefix already stripped). Suffixes such as ".part.31" or ".isra.0"
/// are dropped from the symbol; "? " frames get reliable=false. False for other lines.
bool parse_trace_frame(std::string_view text, model::StackFrame& out);

/// "Call Trace:", "<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "<NMI>", "<EOI>", ...: lines inside
/// a trace that are not frames.
bool is_trace_marker(std::string_view text);

/// Register and code dump lines ("RIP: 0033:...", "RSP: ...", "RAX: ...", "Code: ...").
bool is_register_line(std::string_view text);

}  // namespace hangscope::log
