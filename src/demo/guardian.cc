#include "demo/guardian.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <ftw.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

namespace hangscope::demo {
namespace {

constexpr char kWrite = 'W', kThaw = 'T', kKill = 'K', kUnmount = 'U', kRemove = 'R', kDisarm = 'D';

struct Message {
  char kind = 0;
  char text[256] = {};
};

struct Action {
  char kind;
  std::string text;
  int fd;  ///< kill: the pidfd; else -1
};

void write_file(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, value.data(), value.size());
  ::close(fd);
}

int remove_entry(const char* path, const struct stat*, int type, struct FTW*) {
  if (type == FTW_DP) {
    ::rmdir(path);
  } else {
    ::unlink(path);
  }
  return 0;
}

/// rmdir/unlink, or for a directory tree removal that stays on its filesystem (FTW_MOUNT) and
/// never follows links (FTW_PHYS); a busy directory is retried for 5 s.
void remove_path(const std::string& path) {
  Deadline deadline(Millis(5000));
  for (;;) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return;
    if (errno == ENOTDIR) {
      ::unlink(path.c_str());
      return;
    }
    if (errno == ENOTEMPTY || errno == EEXIST) {
      ::nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_MOUNT | FTW_PHYS);
      if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return;
    }
    if (deadline.expired()) return;
    std::this_thread::sleep_for(Millis(20));
  }
}

/// The fixture's process is gone: undo everything, in the order guardian.h documents.
void run_actions(const std::vector<Action>& actions) {
  for (const auto& a : actions) {
    if (a.kind == kWrite) {
      auto eq = a.text.find('\n');
      write_file(a.text.substr(0, eq), a.text.substr(eq + 1));
    } else if (a.kind == kThaw) {
      int fd = ::open(a.text.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd >= 0) {
        ::ioctl(fd, FITHAW, 0);
        ::close(fd);
      }
    }
  }
  for (const auto& a : actions) {
    if (a.kind != kKill) continue;
    syscall(SYS_pidfd_send_signal, a.fd, SIGKILL, nullptr, 0);
    syscall(SYS_pidfd_send_signal, a.fd, SIGCONT, nullptr, 0);
  }
  for (auto it = actions.rbegin(); it != actions.rend(); ++it) {
    if (it->kind == kUnmount) ::umount2(it->text.c_str(), MNT_DETACH);
    if (it->kind == kRemove) remove_path(it->text);
  }
}

/// The guardian's main loop: collects actions until disarmed (exit) or orphaned (run them).
[[noreturn]] void guard(int sock) {
  std::vector<Action> actions;
  for (;;) {
    Message m;
    char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{&m, sizeof(m)};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the fixture's process is gone
    if (m.kind == kDisarm) _exit(0);
    int fd = -1;
    if (cmsghdr* c = CMSG_FIRSTHDR(&msg); c && c->cmsg_type == SCM_RIGHTS) {
      std::memcpy(&fd, CMSG_DATA(c), sizeof(fd));
    }
    m.text[sizeof(m.text) - 1] = '\0';
    actions.push_back({m.kind, m.text, fd});
  }
  run_actions(actions);
  _exit(0);
}

}  // namespace

Guardian::Guardian(Guardian&& o) noexcept
    : sock_(std::move(o.sock_)), pid_(std::exchange(o.pid_, -1)) {}

Guardian& Guardian::operator=(Guardian&& o) noexcept {
  if (this != &o) {
    disarm();
    sock_ = std::move(o.sock_);
    pid_ = std::exchange(o.pid_, -1);
  }
  return *this;
}

Result<Guardian> Guardian::start() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return make_error(fmt::format("guardian: socketpair: {}", std::strerror(errno)));
  }
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t pid = ::fork();
  if (pid < 0) return make_error(fmt::format("guardian: fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::setsid();
    prctl(PR_SET_NAME, "hs-guardian", 0, 0, 0);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_IGN);
    int keep = theirs.get();
    // Hold nothing of the fixture's: a stray descriptor could keep a mount busy.
    if (keep > 3) syscall(SYS_close_range, 3U, static_cast<unsigned>(keep - 1), 0U);
    syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0U, 0U);
    if (keep < 3) _exit(1);
    guard(keep);
  }
  Guardian g;
  g.sock_ = std::move(ours);
  g.pid_ = pid;
  return g;
}

Status Guardian::send(char kind, const std::string& text, int fd) {
  if (!sock_.valid()) return make_error("guardian: not running");
  Message m;
  m.kind = kind;
  if (text.size() >= sizeof(m.text)) {
    return make_error(fmt::format("guardian: argument longer than 255 bytes: {}", text));
  }
  std::memcpy(m.text, text.data(), text.size());
  char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{&m, sizeof(m)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(fd));
  }
  ssize_t n;
  do {
    n = ::sendmsg(sock_.get(), &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof(m))) {
    return make_error(fmt::format("guardian (pid {}): {}", pid_, std::strerror(errno)));
  }
  return Unit{};
}

Status Guardian::on_death_write(const std::string& path, const std::string& value) {
  return send(kWrite, path + "\n" + value, -1);
}

Status Guardian::on_death_thaw(const std::string& mount_point) {
  return send(kThaw, mount_point, -1);
}

Status Guardian::on_death_kill(pid_t pid) {
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd.valid()) {
    return make_error(fmt::format("guardian: pidfd_open {}: {}", pid, std::strerror(errno)));
  }
  return send(kKill, "", pidfd.get());
}

Status Guardian::on_death_unmount(const std::string& path) { return send(kUnmount, path, -1); }

Status Guardian::on_death_remove(const std::string& path) { return send(kRemove, path, -1); }

void Guardian::disarm() {
  if (!sock_.valid()) return;
  (void)send(kDisarm, "", -1);
  sock_.reset();
  Deadline deadline(Millis(2000));
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0 && !deadline.expired()) {
    std::this_thread::sleep_for(Millis(2));
  }
  pid_ = -1;
}

}  // namespace hangscope::demo
