#include "demo/child_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "demo/proc_task.h"

namespace hangscope::demo {
namespace {

/// In a freshly forked child: name it, and die with the parent.
void child_setup(std::string_view comm, pid_t parent) {
  char name[16] = {};
  std::memcpy(name, comm.data(), std::min(comm.size(), sizeof(name) - 1));
  if (name[0] != '\0') prctl(PR_SET_NAME, name, 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != parent) _exit(125);  // the parent died before PDEATHSIG was armed
}

/// Waits up to `timeout_ms` for `fd` to become readable; false on timeout.
bool poll_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

/// In a forked child: closes every descriptor >= 3 that is not in `keep`.
void close_other_fds(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned first = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(first)) continue;
    if (static_cast<unsigned>(fd) > first) syscall(SYS_close_range, first, fd - 1, 0);
    first = static_cast<unsigned>(fd) + 1;
  }
  syscall(SYS_close_range, first, ~0U, 0);
}

}  // namespace

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), reaped_(o.reaped_), status_(o.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (running()) kill_and_reap(Millis(5000));
    pid_ = std::exchange(o.pid_, -1);
    reaped_ = o.reaped_;
    status_ = o.status_;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (running()) kill_and_reap(Millis(5000));
}

Result<ChildProcess> ChildProcess::fork_run(std::string_view comm, const std::function<int()>& body,
                                            std::vector<int> keep_fds) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return make_error(fmt::format("fork for {}: {}", comm, std::strerror(errno)));
  if (pid == 0) {
    child_setup(comm, parent);
    close_other_fds(std::move(keep_fds));
    _exit(body());
  }
  return ChildProcess(pid);
}

Result<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv, int pass_fd) {
  if (argv.empty()) return make_error("spawn: empty command");
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    return make_error(fmt::format("spawn {}: pipe: {}", argv[0], std::strerror(errno)));
  }
  // Keep the error pipe clear of fd 3, which may receive `pass_fd`.
  int high = fcntl(err_pipe[1], F_DUPFD_CLOEXEC, 10);
  if (high >= 0) {
    ::close(err_pipe[1]);
    err_pipe[1] = high;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::string comm = argv[0].substr(argv[0].rfind('/') + 1);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    return make_error(fmt::format("spawn {}: fork: {}", argv[0], std::strerror(err)));
  }
  if (pid == 0) {
    child_setup("", parent);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (pass_fd == 3) {
      fcntl(3, F_SETFD, 0);  // dup2(3, 3) would keep close-on-exec
    } else if (pass_fd >= 0 && dup2(pass_fd, 3) < 0) {
      _exit(126);
    }
    // Everything else closes at exec (the error pipe must live until then).
    syscall(SYS_close_range, pass_fd >= 0 ? 4U : 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    execvp(args[0], args.data());
    int err = errno;
    (void)!::write(err_pipe[1], &err, sizeof(err));
    _exit(127);
  }
  ::close(err_pipe[1]);
  ChildProcess child(pid);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe[0], &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n == sizeof(exec_errno)) {
    child.wait(Millis(5000));
    return make_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(exec_errno)));
  }
  return child;
}

void ChildProcess::signal(int sig) const {
  if (running()) ::kill(pid_, sig);
}

Result<int> ChildProcess::wait(Millis timeout) {
  if (pid_ <= 0) return make_error("wait: no child");
  if (reaped_) return status_;
  // A pidfd becomes readable when the child exits: no polling loop needed.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  Deadline deadline(timeout);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      status_ = status;
      if (pidfd >= 0) ::close(pidfd);
      return status;
    }
    if (r < 0 && errno != EINTR) {
      int err = errno;
      if (pidfd >= 0) ::close(pidfd);
      reaped_ = true;  // not our child any more (ECHILD): nothing left to reap
      return make_error(fmt::format("waitpid {}: {}", pid_, std::strerror(err)));
    }
    if (deadline.expired()) break;
    if (pidfd >= 0) {
      poll_readable(pidfd, std::min(deadline.remaining_ms(), 100));
    } else {
      ::usleep(2000);
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return make_error(
      fmt::format("{} still running after {} ms", describe_task(pid_), timeout.count()));
}

Status ChildProcess::kill_and_reap(Millis timeout) {
  if (!running()) return Unit{};
  ::kill(pid_, SIGKILL);
  ::kill(pid_, SIGCONT);
  auto r = wait(timeout);
  if (!r) return r.error();
  return Unit{};
}

Status read_exact(int fd, void* buf, size_t size, Millis timeout, std::string_view what) {
  Deadline deadline(timeout);
  auto* p = static_cast<char*>(buf);
  size_t got = 0;
  while (got < size) {
    if (!poll_readable(fd, deadline.remaining_ms())) {
      return make_error(fmt::format("{}: no answer within {} ms", what, timeout.count()));
    }
    ssize_t n = ::read(fd, p + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(fmt::format("{}: {}", what, std::strerror(errno)));
    if (n == 0) return make_error(fmt::format("{}: closed early", what));
    got += static_cast<size_t>(n);
  }
  return Unit{};
}

Result<Worker> Worker::start(std::string_view comm, const std::function<long()>& prepare,
                             const std::function<int()>& act, Millis timeout) {
  int report[2], go[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    return make_error(fmt::format("{}: pipe: {}", comm, std::strerror(errno)));
  }
  if (pipe2(go, O_CLOEXEC) != 0) {
    int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    return make_error(fmt::format("{}: pipe: {}", comm, std::strerror(err)));
  }
  UniqueFd report_rd(report[0]), report_wr(report[1]), go_rd(go[0]), go_wr(go[1]);
  auto child =
      ChildProcess::fork_run(comm,
                             [&]() -> int {
                               report_rd.reset();
                               go_wr.reset();
                               long value = prepare();
                               if (::write(report_wr.get(), &value, sizeof(value)) != sizeof(value))
                                 return 120;
                               report_wr.reset();
                               if (value < 0) return 121;
                               char byte;
                               ssize_t n;
                               do {
                                 n = ::read(go_rd.get(), &byte, 1);
                               } while (n < 0 && errno == EINTR);
                               if (n != 1) return 122;  // the parent went away without saying go
                               go_rd.reset();
                               return act();
                             },
                             {report_wr.get(), go_rd.get()});
  if (!child) return child.error();
  report_wr.reset();
  go_rd.reset();
  Worker w;
  w.process_ = std::move(child).value();
  w.go_fd_ = std::move(go_wr);
  Status s = read_exact(report_rd.get(), &w.prepared_, sizeof(w.prepared_), timeout,
                        fmt::format("{} (pid {}) preparing", comm, w.pid()));
  if (!s) return s.error();
  if (w.prepared_ < 0) {
    return make_error(fmt::format("{} (pid {}) failed to prepare: {}", comm, w.pid(),
                                  std::strerror(static_cast<int>(-w.prepared_))));
  }
  return w;
}

Status Worker::go() {
  char byte = 'g';
  if (!go_fd_.valid() || ::write(go_fd_.get(), &byte, 1) != 1) {
    return make_error(fmt::format("pid {}: cannot say go: {}", pid(), std::strerror(errno)));
  }
  go_fd_.reset();
  return Unit{};
}

}  // namespace hangscope::demo
