#include "watch/exec_hook.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "watch/bounded_worker.h"

extern char** environ;

namespace hangscope::watch {

namespace {

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void keep_tail(std::string& out, const char* data, std::size_t n, std::size_t limit) {
  out.append(data, n);
  if (out.size() > limit) out.erase(0, out.size() - limit);
}

// SIGPIPE blocked on this thread for the run: a write to a hook that closed its stdin fails
// with EPIPE instead of killing watch; a SIGPIPE left pending is consumed.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    timespec zero{};
    while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_, old_;
};

// Spawns /bin/sh -c command in a new process group with stdin from in_fd and stdout/stderr to
// out_fd. Returns the pid or -errno.
pid_t spawn_shell(const std::string& command, int in_fd, int out_fd) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
  posix_spawnattr_init(&at);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &defaults);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  return rc == 0 ? pid : -rc;
}

void record_status(int status, ExecResult& r) {
  if (WIFEXITED(status)) r.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
}

}  // namespace

ExecResult run_exec_hook(const std::string& command, const std::string& input,
                         double timeout_seconds, std::size_t output_limit) {
  ExecResult r;
  SigpipeBlock no_sigpipe;
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return r;
  }
  double start = now_seconds();
  pid_t pid = spawn_shell(command, in[0], out[1]);
  ::close(in[0]);
  ::close(out[1]);
  if (pid < 0) {
    r.error = std::string("cannot start /bin/sh: ") + std::strerror(-pid);
    ::close(in[1]);
    ::close(out[0]);
    return r;
  }
  r.started = true;
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  int in_fd = in[1], out_fd = out[0];
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  double deadline = start + timeout_seconds;
  bool exited = false;
  char buf[4096];
  while (!exited) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      record_status(status, r);
      exited = true;
      break;
    }
    double left = deadline - now_seconds();
    if (left <= 0) break;
    pollfd p[2];
    nfds_t n = 0;
    if (out_fd >= 0) p[n++] = {out_fd, POLLIN, 0};
    if (in_fd >= 0) p[n++] = {in_fd, POLLOUT, 0};
    ::poll(p, n, std::min(50, static_cast<int>(left * 1000) + 1));
    if (out_fd >= 0) {
      ssize_t got = ::read(out_fd, buf, sizeof buf);
      if (got > 0) keep_tail(r.output, buf, static_cast<std::size_t>(got), output_limit);
      if (got == 0) {  // every writer closed: only the exit is left to wait for
        ::close(out_fd);
        out_fd = -1;
      }
    }
    if (in_fd >= 0) {
      ssize_t put = ::write(in_fd, input.data() + written, input.size() - written);
      if (put > 0) written += static_cast<std::size_t>(put);
      if (written == input.size() || (put < 0 && errno != EAGAIN && errno != EINTR)) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) ::close(in_fd);
  if (!exited) {
    r.timed_out = true;
    ::kill(-pid, SIGKILL);
    double give_up = now_seconds() + 1.0;
    for (;;) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        record_status(status, r);
        break;
      }
      if (now_seconds() >= give_up) {
        r.unreaped = true;
        break;
      }
      timespec ts{0, 10000000};
      nanosleep(&ts, nullptr);
    }
  }
  if (out_fd >= 0) {  // what it wrote just before it ended
    ssize_t got;
    while ((got = ::read(out_fd, buf, sizeof buf)) > 0)
      keep_tail(r.output, buf, static_cast<std::size_t>(got), output_limit);
    ::close(out_fd);
  }
  r.seconds = now_seconds() - start;
  return r;
}

struct ExecHook::Impl {
  explicit Impl(const ExecOptions& o)
      : worker(o.queue, [o](std::string& input) {
          return run_exec_hook(o.command, input, o.timeout_seconds, o.output_limit);
        }) {}
  BoundedWorker<std::string, ExecResult> worker;
};

ExecHook::ExecHook(const ExecOptions& options)
    : options_(options), impl_(std::make_unique<Impl>(options)) {}

ExecHook::~ExecHook() { stop(std::chrono::milliseconds(0)); }

bool ExecHook::offer(std::string input) { return impl_->worker.try_push(std::move(input)); }

std::vector<ExecResult> ExecHook::take_results() { return impl_->worker.take_done(); }

std::uint64_t ExecHook::dropped() const { return impl_->worker.dropped(); }

bool ExecHook::stop(std::chrono::milliseconds grace) { return impl_->worker.stop(grace); }

}  // namespace hangscope::watch
