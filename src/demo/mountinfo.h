// /proc/self/mountinfo: the only way the fixtures learn about a mount (they never stat one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hangscope::demo {

/// One line of /proc/PID/mountinfo (escapes such as \040 decoded).
struct MountEntry {
  int mount_id = 0;
  unsigned major = 0;  ///< of the super_block's s_dev
  unsigned minor = 0;
  std::string root;
  std::string mount_point;
  std::string fs_type;
  std::string source;
};

/// Decodes the octal escapes (\040 space, \011 tab, \012 newline, \134 backslash) of a field.
std::string unescape_mount_field(std::string_view field);

/// Parses one mountinfo line; fails with a one-line error on malformed input.
Result<MountEntry> parse_mountinfo_line(std::string_view line);

/// Parses a whole mountinfo text; malformed lines are skipped.
std::vector<MountEntry> parse_mountinfo(std::string_view text);

/// Reads and parses /proc/self/mountinfo; fails when it cannot be read.
Result<std::vector<MountEntry>> read_mountinfo();

/// The topmost (last listed) mount on exactly `mount_point`, if any.
std::optional<MountEntry> find_mount(const std::vector<MountEntry>& mounts,
                                     std::string_view mount_point);

/// Lazily unmounts (MNT_DETACH, no stat of the mount) whatever /proc/self/mountinfo shows on
/// `mount_point`, topmost first. Succeeds when nothing is mounted there; fails with errno text.
Status unmount_if_mounted(const std::string& mount_point);

/// The FUSE connection id of a mount: its device number as the kernel encodes it
/// (major << 20 | minor), the name of /sys/fs/fuse/connections/ID.
inline uint64_t fuse_connection_id(unsigned major, unsigned minor) {
  return (static_cast<uint64_t>(major) << 20) | minor;
}

}  // namespace hangscope::demo
