// Crash-report events as JSON (the "reports" array of `hangscope log --json`).
#pragma once

#include <nlohmann/json.hpp>

#include "log/log_parser.h"

namespace hangscope::log {

/// One object per event: kind, title, guilty_frame, corrupted, comm, pid, cpu, release, taint,
/// fault_addr, rip, modules, call_trace, blocked_seconds, timestamp, line. Unknown values are
/// omitted. Strings are raw bytes: dump with error_handler_t::replace.
nlohmann::json event_to_json(const Event& e);

/// Every event of the digest, in report order.
nlohmann::json events_to_json(const LogDigest& d);

/// "func+0x12 [mod]" (or "func" when the offset is 0 and no module).
std::string frame_text(const model::StackFrame& f);

}  // namespace hangscope::log
