// /proc/PID/mountinfo parsing: the only way hangscope learns about mounts (it never stats one).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hangscope::collect {

/// One line of /proc/PID/mountinfo (escapes such as \040 decoded).
struct MountEntry {
  int mount_id = 0;
  unsigned major = 0;  ///< of the super_block's s_dev
  unsigned minor = 0;
  std::string root;
  std::string mount_point;
  std::string fs_type;
  std::string source;
  /// The device as the kernel encodes super_block.s_dev: major << 20 | minor.
  std::uint32_t dev() const { return (major << 20) | minor; }
};

/// Decodes the octal escapes (\040 space, \011 tab, \012 newline, \134 backslash) of a field.
std::string unescape_mount_field(std::string_view field);

/// Parses one mountinfo line; fails with a one-line error on malformed input.
Result<MountEntry> parse_mountinfo_line(std::string_view line);

/// Parses a whole mountinfo text; malformed lines are skipped.
std::vector<MountEntry> parse_mountinfo(std::string_view text);

/// Reads and parses /proc/self/mountinfo; fails when it cannot be read.
Result<std::vector<MountEntry>> read_mountinfo();

}  // namespace hangscope::collect
