#include "demo/loop_device.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "demo/child_process.h"

namespace hangscope::demo {
namespace {

/// Binds `backing` to the open loop device `dev`; returns 0 or errno.
int configure(int dev, int backing, const std::string& backing_path) {
  loop_config cfg{};
  cfg.fd = static_cast<__u32>(backing);
  cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
  std::strncpy(reinterpret_cast<char*>(cfg.info.lo_file_name), backing_path.c_str(),
               LO_NAME_SIZE - 1);
  if (::ioctl(dev, LOOP_CONFIGURE, &cfg) == 0) return 0;
  if (errno != EINVAL && errno != ENOTTY) return errno;
  // Kernels before 5.8: the two-step way.
  if (::ioctl(dev, LOOP_SET_FD, backing) != 0) return errno;
  if (::ioctl(dev, LOOP_SET_STATUS64, &cfg.info) != 0) {
    int err = errno;
    ::ioctl(dev, LOOP_CLR_FD, 0);
    return err;
  }
  return 0;
}

}  // namespace

Status create_sparse_file(const std::string& path, long long bytes) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
  if (::ftruncate(fd, bytes) != 0) {
    int err = errno;
    ::close(fd);
    return make_error(fmt::format("{}: ftruncate: {}", path, std::strerror(err)));
  }
  ::close(fd);
  return Unit{};
}

Result<LoopDevice> LoopDevice::attach(const std::string& backing_file) {
  UniqueFd ctl(::open("/dev/loop-control", O_RDWR | O_CLOEXEC));
  if (!ctl.valid()) {
    return make_error(fmt::format("/dev/loop-control: {}", std::strerror(errno)));
  }
  UniqueFd backing(::open(backing_file.c_str(), O_RDWR | O_CLOEXEC));
  if (!backing.valid()) {
    return make_error(fmt::format("{}: {}", backing_file, std::strerror(errno)));
  }
  int last_err = 0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    int n = ::ioctl(ctl.get(), LOOP_CTL_GET_FREE);
    if (n < 0) return make_error(fmt::format("LOOP_CTL_GET_FREE: {}", std::strerror(errno)));
    std::string path = fmt::format("/dev/loop{}", n);
    UniqueFd dev(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!dev.valid()) {
      last_err = errno;
      continue;
    }
    int err = configure(dev.get(), backing.get(), backing_file);
    if (err == EBUSY) {  // someone else took it between GET_FREE and CONFIGURE
      last_err = err;
      continue;
    }
    if (err != 0)
      return make_error(fmt::format("{}: LOOP_CONFIGURE: {}", path, std::strerror(err)));
    struct stat st {};
    if (::fstat(dev.get(), &st) != 0) {
      return make_error(fmt::format("{}: fstat: {}", path, std::strerror(errno)));
    }
    LoopDevice loop;
    loop.fd_ = std::move(dev);
    loop.path_ = path;
    loop.number_ = n;
    loop.major_ = ::major(st.st_rdev);
    loop.minor_ = ::minor(st.st_rdev);
    return loop;
  }
  return make_error(fmt::format("no loop device could be bound to {}: {}", backing_file,
                                std::strerror(last_err)));
}

bool loop_device_bound(int number) {
  std::string p = fmt::format("/sys/block/loop{}/loop/backing_file", number);
  return ::access(p.c_str(), F_OK) == 0;
}

Status LoopDevice::flush_buffers() const {
  if (::ioctl(fd_.get(), BLKFLSBUF, 0) != 0) {
    return make_error(fmt::format("{}: BLKFLSBUF: {}", path_, std::strerror(errno)));
  }
  return Unit{};
}

Status make_ext4(const std::string& device, const std::string& populate_dir, Millis timeout) {
  std::string mkfs = "mkfs.ext4";  // from the usual sbin directories (root's PATH may lack them)
  for (const char* p : {"/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"}) {
    if (::access(p, X_OK) == 0) {
      mkfs = p;
      break;
    }
  }
  std::vector<std::string> argv = {mkfs, "-q", "-F"};
  if (!populate_dir.empty()) argv.insert(argv.end(), {"-d", populate_dir});
  argv.push_back(device);
  auto child = ChildProcess::spawn(argv);
  if (!child) return child.error();
  auto status = child->wait(timeout);
  if (!status) return make_error("mkfs.ext4: " + status.error().message);
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return make_error(fmt::format("mkfs.ext4 {} failed (wait status {})", device, *status));
  }
  return Unit{};
}

Status LoopDevice::detach() {
  if (!fd_.valid()) return Unit{};
  int rc = ::ioctl(fd_.get(), LOOP_CLR_FD, 0);
  int err = errno;
  fd_.reset();
  // ENXIO: already detached (autoclear did it).
  if (rc != 0 && err != ENXIO) {
    return make_error(fmt::format("{}: LOOP_CLR_FD: {}", path_, std::strerror(err)));
  }
  return Unit{};
}

Result<LoopDevice> attach_sparse_image(TempDir& dir, const std::string& name, long long bytes) {
  std::string image = dir.track_file(name);
  if (Status s = create_sparse_file(image, bytes); !s) return s.error();
  return LoopDevice::attach(image);
}

}  // namespace hangscope::demo
