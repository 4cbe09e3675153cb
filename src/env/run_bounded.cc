#include "env/run_bounded.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace hangscope::env {

namespace {

using Clock = std::chrono::steady_clock;

// The environment for the child: ours with LC_ALL=C, so version banners are not translated.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "LC_ALL=", 7) != 0) env.emplace_back(*e);
  }
  env.emplace_back("LC_ALL=C");
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Waits up to `budget` for the child to exit; fills exit_code. False when it did not exit.
bool reap(pid_t pid, std::chrono::milliseconds budget, ProcessOutput& out) {
  auto deadline = Clock::now() + budget;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) out.exit_code = 128 + WTERMSIG(status);
      return true;
    }
    if (r < 0 && errno != EINTR) return true;  // already reaped elsewhere: nothing to wait for
    if (Clock::now() >= deadline) return false;
    usleep(5000);
  }
}

}  // namespace

Result<ProcessOutput> run_bounded(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout, size_t max_bytes) {
  if (argv.empty()) return make_error("run_bounded: empty command");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return make_error(fmt::format("{}: pipe: {}", argv[0], std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment();
  std::vector<char*> c_args = c_strings(args), c_env = c_strings(env);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    if (rc == ENOENT) return make_error(fmt::format("{}: not found in PATH", argv[0]));
    return make_error(fmt::format("{}: cannot run: {}", argv[0], std::strerror(rc)));
  }

  ProcessOutput out;
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      out.timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;  // timeout is noticed at the top of the loop
    char buf[4096];
    ssize_t got = read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // EOF: every writer (the child and its children) is gone
    size_t room = max_bytes > out.output.size() ? max_bytes - out.output.size() : 0;
    out.output.append(buf, std::min(room, static_cast<size_t>(got)));
  }
  close(fds[0]);
  if (out.timed_out) {
    kill(-pid, SIGKILL);
    reap(pid, std::chrono::milliseconds(200), out);
    return out;
  }
  // EOF seen: the child is exiting; give it the rest of its budget, then kill it.
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (!reap(pid, std::max(left, std::chrono::milliseconds(0)), out)) {
    out.timed_out = true;
    kill(-pid, SIGKILL);
    reap(pid, std::chrono::milliseconds(200), out);
  }
  return out;
}

}  // namespace hangscope::env
