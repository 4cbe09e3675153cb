// Title normalisation: the replacements that make titles stable across runs (addresses ->
// ADDR, numbers -> NUM, file:line -> file:LINE, executor pids dropped) and the final cleanup.
#pragma once

#include <string>
#include <string_view>

namespace hangscope::log {

/// Applies syzkaller's dynamic replacements and sanitisation to a raw title: at most 120
/// input bytes are kept, control and non-ASCII bytes dropped, spaces collapsed and trimmed.
std::string normalize_title(std::string_view raw);

}  // namespace hangscope::log
