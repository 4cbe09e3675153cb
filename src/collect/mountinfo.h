// /proc/self/mountinfo parsing: device -> mount points, without touching any mount.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hangscope::collect {

struct MountEntry {
  std::uint32_t dev = 0;      ///< kernel encoding: major << 20 | minor (as super_block.s_dev)
  std::string mount_point;    ///< octal escapes (\040) decoded
  std::string fs_type;
  std::string source;
};

/// Parses mountinfo text; malformed lines are skipped.
std::vector<MountEntry> parse_mountinfo(std::string_view text);

}  // namespace hangscope::collect
