#include "demo/fs_freeze.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "demo/emergency.h"

namespace hangscope::demo {

Status FsFreeze::freeze(const std::string& mount_point, Guardian& guardian) {
  mount_point_ = mount_point;
  root_.reset(::open(mount_point.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_.valid()) {
    return make_error(fmt::format("open {}: {}", mount_point, std::strerror(errno)));
  }
  if (Status s = guardian.on_death_thaw(mount_point); !s) return s;
  slot_ = emergency::add_thaw(root_.get());
  if (::ioctl(root_.get(), FIFREEZE, 0) != 0) {
    return make_error(fmt::format("FIFREEZE {}: {}", mount_point, std::strerror(errno)));
  }
  frozen_ = true;
  return Unit{};
}

Status FsFreeze::thaw() {
  if (frozen_) {
    if (::ioctl(root_.get(), FITHAW, 0) != 0 && errno != EINVAL) {
      return make_error(fmt::format("FITHAW {}: {}", mount_point_, std::strerror(errno)));
    }
    frozen_ = false;
  }
  emergency::remove(std::exchange(slot_, -1));
  root_.reset();
  return Unit{};
}

}  // namespace hangscope::demo
