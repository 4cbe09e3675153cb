#include "demo/mountinfo.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hangscope::demo {

std::optional<MountEntry> find_mount(const std::vector<MountEntry>& mounts,
                                     std::string_view mount_point) {
  std::optional<MountEntry> found;
  for (const auto& m : mounts) {
    if (m.mount_point == mount_point) found = m;
  }
  return found;
}

}  // namespace hangscope::demo

namespace hangscope::demo {

Status unmount_if_mounted(const std::string& mount_point) {
  for (int round = 0; round < 8; ++round) {
    auto mounts = read_mountinfo();
    if (!mounts) return mounts.error();
    if (!find_mount(*mounts, mount_point)) return Unit{};
    if (::umount2(mount_point.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
      return make_error(fmt::format("umount {}: {}", mount_point, std::strerror(errno)));
    }
  }
  return make_error(fmt::format("umount {}: still mounted after 8 attempts", mount_point));
}

Status unmount_or_detach(const std::string& mount_point, bool& mounted) {
  if (!mounted) return Unit{};
  if (::umount2(mount_point.c_str(), 0) == 0 || errno == EINVAL) {
    mounted = false;
    return Unit{};
  }
  int err = errno;
  if (unmount_if_mounted(mount_point).ok()) mounted = false;
  return make_error(fmt::format("umount {}: {}; detached lazily", mount_point, std::strerror(err)));
}

}  // namespace hangscope::demo
