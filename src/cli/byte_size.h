// Parsing byte sizes given on the command line ("100M", "512K", "1G", "4096").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hangscope::cli {

/// Bytes for "N", "NK", "NM", "NG" (powers of 1024; an optional trailing "B" or "iB"; N may be
/// fractional: "1.5G"); nullopt when malformed, negative, or over 2^60.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace hangscope::cli
