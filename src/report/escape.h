// Terminal-safe rendering of attacker-controlled bytes (comm, paths).
#pragma once

#include <string>
#include <string_view>

namespace hangscope::report {

/// `s` with control bytes, DEL, backslash and invalid UTF-8 escaped as \xNN (\n, \t, \e as such).
/// Printable ASCII and valid UTF-8 pass unchanged. Never fails.
std::string escape_text(std::string_view s);

}  // namespace hangscope::report
