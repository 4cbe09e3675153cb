#include "demo/fuse_control.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "demo/mountinfo.h"

namespace hangscope::demo {

Status ensure_fusectl_mounted() {
  auto mounts = read_mountinfo();
  if (!mounts) return mounts.error();
  auto m = find_mount(*mounts, kFuseConnectionsDir);
  if (m && m->fs_type == "fusectl") return Unit{};
  if (::mount("fusectl", kFuseConnectionsDir, "fusectl", 0, nullptr) != 0 && errno != EBUSY) {
    return make_error(
        fmt::format("mount fusectl on {}: {}", kFuseConnectionsDir, std::strerror(errno)));
  }
  return Unit{};
}

std::string fuse_abort_path(uint64_t connection_id) {
  return fmt::format("{}/{}/abort", kFuseConnectionsDir, connection_id);
}

bool fuse_connection_exists(uint64_t connection_id) {
  std::string p = fmt::format("{}/{}", kFuseConnectionsDir, connection_id);
  return ::access(p.c_str(), F_OK) == 0;
}

Status abort_fuse_connection(uint64_t connection_id) {
  std::string path = fuse_abort_path(connection_id);
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Unit{};  // connection already gone
    return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  ssize_t n = ::write(fd, "1", 1);
  int err = errno;
  ::close(fd);
  if (n != 1 && err != ENOENT && err != ENODEV) {
    return make_error(fmt::format("{}: {}", path, std::strerror(err)));
  }
  return Unit{};
}

}  // namespace hangscope::demo
