#include "ftrace/tracefs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

namespace hangscope::ftrace {
namespace {

constexpr const char* kDefaultMount = "/sys/kernel/tracing";
constexpr const char* kLockFile = "/run/hangscope-ftrace.lock";
constexpr const char* kLockFileNoRun = "/hangscope-ftrace.lock";

std::string errno_text() { return std::strerror(errno); }

/// Decodes the \040-style escapes of mountinfo paths.
std::string unescape_mount_path(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string tracefs_from_mountinfo(std::string_view mountinfo) {
  std::string tracefs, debugfs;
  std::istringstream in{std::string(mountinfo)};
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    std::istringstream f(line);
    std::vector<std::string> tok;
    for (std::string t; f >> t;) tok.push_back(t);
    size_t dash = 0;
    while (dash < tok.size() && tok[dash] != "-") ++dash;
    if (tok.size() < 5 || dash + 1 >= tok.size()) continue;
    const std::string& fstype = tok[dash + 1];
    if (fstype == "tracefs" && tracefs.empty()) tracefs = unescape_mount_path(tok[4]);
    if (fstype == "debugfs" && debugfs.empty()) debugfs = unescape_mount_path(tok[4]) + "/tracing";
  }
  return tracefs.empty() ? debugfs : tracefs;
}

Result<std::string> read_control(const std::string& path, size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path + ": " + errno_text());
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string e = path + ": " + errno_text();
      ::close(fd);
      return make_error(e);
    }
    if (n == 0 || out.size() >= max) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

static Status write_with(const std::string& path, std::string_view value, int flags) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | flags);
  if (fd < 0) return make_error(path + ": " + errno_text());
  if (!value.empty()) {
    ssize_t n = ::write(fd, value.data(), value.size());
    if (n < 0 || static_cast<size_t>(n) != value.size()) {
      std::string e = path + ": writing '" + std::string(value) + "': " + errno_text();
      ::close(fd);
      return make_error(e);
    }
  }
  ::close(fd);
  return Unit{};
}

Status write_control(const std::string& path, std::string_view value) {
  return write_with(path, value, O_TRUNC);
}

Status append_control(const std::string& path, std::string_view value) {
  return write_with(path, value, O_APPEND);
}

Result<TracefsMount> TracefsMount::acquire() {
  if (::geteuid() != 0) return make_error("tracefs: needs root (run as root or with sudo)");
  TracefsMount m;
  std::string lock_file = kLockFile;
  m.lock_fd_ = ::open(kLockFile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (m.lock_fd_ < 0 && errno == ENOENT) {  // no /run (a minimal initramfs): in /
    lock_file = kLockFileNoRun;
    m.lock_fd_ = ::open(kLockFileNoRun, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  }
  if (m.lock_fd_ < 0) return make_error(lock_file + ": " + errno_text());
  for (int tries = 0; ::flock(m.lock_fd_, LOCK_EX | LOCK_NB) != 0; ++tries) {  // bounded: 10 s
    if (errno != EWOULDBLOCK || tries >= 100)
      return make_error(lock_file + ": another `hangscope ftrace record` holds it");
    ::usleep(100 * 1000);
  }
  auto info = read_control("/proc/self/mountinfo");
  if (!info) return info.error();
  m.root_ = tracefs_from_mountinfo(*info);
  if (m.root_.empty()) {
    if (::mount("nodev", kDefaultMount, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      return make_error(std::string("tracefs: cannot mount it at ") + kDefaultMount + ": " +
                        errno_text());
    m.root_ = kDefaultMount;
    m.mounted_here_ = true;
  }
  return m;
}

TracefsMount::TracefsMount(TracefsMount&& o) noexcept
    : root_(std::move(o.root_)), mounted_here_(o.mounted_here_), lock_fd_(o.lock_fd_) {
  o.mounted_here_ = false;
  o.lock_fd_ = -1;
}

TracefsMount::~TracefsMount() {
  if (mounted_here_) ::umount2(root_.c_str(), MNT_DETACH);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

}  // namespace hangscope::ftrace
