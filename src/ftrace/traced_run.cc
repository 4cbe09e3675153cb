#include "ftrace/traced_run.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string_view>
#include <vector>

#include "core/proc_stat.h"

namespace hangscope::ftrace {
namespace {

volatile sig_atomic_t g_stop = 0;
int g_depth = 0;
struct sigaction g_old_int {
}, g_old_term{}, g_old_hup{};
void on_stop_signal(int) { g_stop = 1; }

}  // namespace

StopSignals::StopSignals() {
  if (g_depth++ > 0) return;
  g_stop = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
  sigaction(SIGHUP, &sa, &g_old_hup);
}

StopSignals::~StopSignals() {
  if (--g_depth > 0) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGHUP, &g_old_hup, nullptr);
}

bool StopSignals::requested() { return g_stop != 0; }

namespace {

/// Copies what trace_pipe has now into `out`. Returns bytes copied, -1 on a write error.
int64_t pump(int pipe_fd, int out_fd) {
  static char buf[1 << 16];
  int64_t total = 0;
  for (;;) {
    ssize_t n = ::read(pipe_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return total;
    if (::write(out_fd, buf, static_cast<size_t>(n)) != n) return -1;
    total += n;
  }
}

/// The parent pid in /proc/PID/stat, or -1 when the task is gone or the line is malformed.
pid_t parent_of(const char* pid_dir) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%s/stat", pid_dir);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return -1;
  auto st = parse_proc_stat(std::string_view(buf, static_cast<size_t>(n)));
  return st ? st->ppid : -1;
}

/// Every live descendant of `root` (children, their children...), found through the parent
/// pids in /proc; empty when /proc cannot be read.
std::vector<pid_t> descendants_of(pid_t root) {
  std::map<pid_t, std::vector<pid_t>> children;
  if (DIR* d = ::opendir("/proc")) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
      pid_t ppid = parent_of(e->d_name);
      if (ppid > 0) children[ppid].push_back(static_cast<pid_t>(std::atoi(e->d_name)));
    }
    ::closedir(d);
  }
  std::vector<pid_t> out;
  std::vector<pid_t> todo{root};
  while (!todo.empty() && out.size() < 100000) {
    pid_t p = todo.back();
    todo.pop_back();
    for (pid_t c : children[p]) {
      out.push_back(c);
      todo.push_back(c);
    }
  }
  return out;
}

/// Ends the command and what it started and still parents: its descendants are stopped first
/// (so they cannot fork more while we look), then killed by pid, then the command itself.
void kill_command_tree(pid_t pid) {
  std::vector<pid_t> all;
  for (int round = 0; round < 3; ++round) {
    std::vector<pid_t> now = descendants_of(pid);
    bool more = false;
    for (pid_t d : now) {
      if (std::find(all.begin(), all.end(), d) != all.end()) continue;
      ::kill(d, SIGSTOP);
      all.push_back(d);
      more = true;
    }
    if (!more) break;
  }
  for (pid_t d : all) ::kill(d, SIGKILL);
  ::kill(pid, SIGKILL);
}

/// Forks the command stopped before exec; returns its pid or an error (exec failures are
/// reported through a close-on-exec pipe).
Result<pid_t> spawn_stopped(const std::vector<std::string>& cmd, int& exec_err_fd) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) return make_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(p[0]);
    ::raise(SIGSTOP);  // the parent sets set_ftrace_pid, starts tracing, then SIGCONT
    std::vector<char*> argv;
    for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    int e = errno;
    (void)!::write(p[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(p[1]);
  exec_err_fd = p[0];
  for (int i = 0; i < 500; ++i) {  // wait (bounded, 5 s) until it has stopped
    int st = 0;
    pid_t w = ::waitpid(pid, &st, WNOHANG | WUNTRACED);
    if (w == pid && WIFSTOPPED(st)) return pid;
    if (w == pid) return make_error(cmd[0] + ": exited before it could be traced");
    ::usleep(10000);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return make_error(cmd[0] + ": did not stop before exec within 5 s");
}

}  // namespace

Result<RecordResult> run_traced(const TracedRun& run) {
  if (run.command.empty()) return make_error("no command to run");
  RecordResult res;
  StopSignals signals;
  int exec_err_fd = -1;
  auto pid = spawn_stopped(run.command, exec_err_fd);
  if (!pid) return pid.error();
  res.pid = *pid;
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd >= 0) ::close(fd);
    }
  } exec_err_closer{exec_err_fd};
  auto pipe_fd = run.start(*pid);
  if (!pipe_fd) {
    ::kill(*pid, SIGKILL);
    ::kill(*pid, SIGCONT);
    ::waitpid(*pid, nullptr, 0);
    return pipe_fd.error();
  }
  FdCloser pipe_closer{*pipe_fd};
  if (::write(run.out_fd, run.header.data(), run.header.size()) !=
      static_cast<ssize_t>(run.header.size())) {
    ::kill(*pid, SIGKILL);
    ::kill(*pid, SIGCONT);
    ::waitpid(*pid, nullptr, 0);
    return make_error(std::string("output: write failed: ") + std::strerror(errno));
  }
  res.bytes += run.header.size();
  ::kill(*pid, SIGCONT);

  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(run.timeout_s * 1000));
  bool write_failed = false;
  for (;;) {
    int64_t n = pump(*pipe_fd, run.out_fd);
    if (n < 0)
      write_failed = true;
    else
      res.bytes += static_cast<uint64_t>(n);
    int st = 0;
    if (::waitpid(*pid, &st, WNOHANG) == *pid) {
      res.exited = true;
      res.exit_status = st;
      break;
    }
    if (StopSignals::requested()) {
      res.interrupted = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      res.timed_out = true;
      break;
    }
    struct pollfd pfd {
      *pipe_fd, POLLIN, 0
    };
    ::poll(&pfd, 1, 100);
  }
  if (run.stop) run.stop();
  if (int64_t n = pump(*pipe_fd, run.out_fd); n > 0)
    res.bytes += static_cast<uint64_t>(n);
  else if (n < 0)
    write_failed = true;
  int exec_errno = 0;
  if (::read(exec_err_fd, &exec_errno, sizeof exec_errno) == sizeof exec_errno)
    res.notes.push_back(run.command[0] + ": cannot execute: " + std::strerror(exec_errno));
  if (!res.exited) {
    kill_command_tree(*pid);
    res.still_alive = true;
    for (int i = 0; i < 100; ++i) {  // bounded: 1 s; a task in D state ignores SIGKILL
      if (::waitpid(*pid, &res.exit_status, WNOHANG) == *pid) {
        res.still_alive = false;
        break;
      }
      ::usleep(10000);
    }
    if (res.still_alive)
      res.notes.push_back("pid " + std::to_string(*pid) +
                          " survived SIGKILL (probably stuck in D state): see `hangscope why " +
                          std::to_string(*pid) + "`");
  }
  if (write_failed) return make_error(std::string("output: write failed: ") + std::strerror(errno));
  return res;
}

}  // namespace hangscope::ftrace
