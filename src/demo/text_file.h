// Small text files of /proc, /sys and cgroupfs, read and written whole with bounded reads.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace hangscope::demo {

/// Reads the file at `path` (at most `limit` bytes). Fails with "PATH: errno text" when it
/// cannot be opened or read.
Result<std::string> read_text_file(const std::string& path, size_t limit = 64 * 1024);

/// The file's first line (no newline), or `fallback` when it cannot be read.
std::string read_first_line(const std::string& path, const std::string& fallback = "");

/// Writes `value` to the file at `path` in one write() (a knob of /sys or cgroupfs). Fails with
/// "write 'VALUE' to PATH: errno text".
Status write_text_file(const std::string& path, const std::string& value);

}  // namespace hangscope::demo
