// Classification of a cut-out report into an Event: kind, title, task, CPU, kernel release,
// taint, faulting address, RIP, modules and call trace.
#pragma once

#include "log/event.h"
#include "log/report_splitter.h"

namespace hangscope::log {

/// Builds the Event of `report` (title included). Never fails; missing facts stay unknown.
Event classify_report(const RawReport& report);

/// Only the title (cheaper: for `hangscope log --titles`).
std::string report_title(const RawReport& report);

/// Parses "CPU: 3 PID: 9151 Comm: modprobe Tainted: G O 5.3.0-51-generic #44" (also the
/// "UID: 0" and "Not tainted" variants) into `e`. False when `text` is not such a line.
bool parse_cpu_pid_line(std::string_view text, Event& e);

/// Parses "Tainted: G   D W  6.1.0 #1" / "Not tainted 6.18.44 #1" (anywhere in `text`).
bool parse_taint_release(std::string_view text, std::string& taint, std::string& release,
                         bool& known);

}  // namespace hangscope::log
