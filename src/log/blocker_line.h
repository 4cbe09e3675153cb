// Parsing of single-line hung-task facts: blocker lines and "comm:pid" pairs.
#pragma once

#include <string_view>

#include "log/event.h"

namespace hangscope::log {

/// Parses a 6.15+ blocker line (text without prefix). Returns false for any other line.
bool parse_blocker_line(std::string_view text, BlockerLine& out);

/// Splits "comm:pid" at the last ':' (comms may contain ':'). False when no pid follows.
bool split_comm_pid(std::string_view s, std::string_view& comm, int& pid, char sep = ':');

}  // namespace hangscope::log
