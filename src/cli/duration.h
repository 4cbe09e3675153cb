// Parsing durations given on the command line ("5s", "500ms", "2m", "1.5").
#pragma once

#include <optional>
#include <string_view>

namespace hangscope::cli {

/// Seconds for "N", "Ns", "Nms", "Nm", "Nh" (N may be fractional); nullopt when malformed
/// or negative.
std::optional<double> parse_duration(std::string_view text);

}  // namespace hangscope::cli
