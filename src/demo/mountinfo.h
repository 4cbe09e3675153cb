// /proc/self/mountinfo: the only way the fixtures learn about a mount (they never stat one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collect/mountinfo.h"
#include "core/result.h"

namespace hangscope::demo {

// The parser lives in collect/ (the live scan uses it too).
using collect::MountEntry;
using collect::parse_mountinfo;
using collect::parse_mountinfo_line;
using collect::read_mountinfo;
using collect::unescape_mount_field;

/// The topmost (last listed) mount on exactly `mount_point`, if any.
std::optional<MountEntry> find_mount(const std::vector<MountEntry>& mounts,
                                     std::string_view mount_point);

/// Lazily unmounts (MNT_DETACH, no stat of the mount) whatever /proc/self/mountinfo shows on
/// `mount_point`, topmost first. Succeeds when nothing is mounted there; fails with errno text.
Status unmount_if_mounted(const std::string& mount_point);

/// Unmounts `mount_point` (umount2, flags 0; EINVAL: nothing mounted there, fine). When that
/// fails (EBUSY...) it detaches lazily and still fails, naming the first error, so that a cleanup
/// that left something busy is reported. Clears `mounted` once nothing is mounted there.
Status unmount_or_detach(const std::string& mount_point, bool& mounted);

/// The FUSE connection id of a mount: its device number as the kernel encodes it
/// (major << 20 | minor), the name of /sys/fs/fuse/connections/ID.
inline uint64_t fuse_connection_id(unsigned major, unsigned minor) {
  return (static_cast<uint64_t>(major) << 20) | minor;
}

}  // namespace hangscope::demo
