// Bounded reads of small pseudo-files (/proc, /sys). Never follows anything under a mount.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace hangscope::collect {

/// Reads at most `limit` bytes of `path` (O_RDONLY|O_NONBLOCK|O_CLOEXEC). Errors name the path
/// and errno text. Only for /proc, /sys and files the caller owns.
Result<std::string> read_small_file(const std::string& path, std::size_t limit = 1u << 20);

/// Writes `data` to `path` (truncating). Errors name the path.
Status write_file(const std::string& path, const std::string& data);

}  // namespace hangscope::collect
