#include "live/live_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "demo/emergency.h"
#include "demo/loop_device.h"
#include "demo/mountinfo.h"
#include "demo/proc_task.h"

namespace hangscope::live {

std::string live_skip_reason() {
  if (::geteuid() != 0) return "live tests need root (mount, loop devices, SIGSTOP of a daemon)";
  if (::access("/dev/fuse", R_OK | W_OK) != 0) return "no usable /dev/fuse";
  if (::access("/dev/loop-control", R_OK | W_OK) != 0) return "no /dev/loop-control";
  if (::access(HANGFS_BIN, X_OK) != 0) return "hangfs not built at " HANGFS_BIN;
  return "";
}

std::string hangfs_binary() { return HANGFS_BIN; }

RunResult run_hangscope(const std::vector<std::string>& args, int timeout_ms) {
  RunResult r;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    r.err = "pipe failed";
    return r;
  }
  std::vector<std::string> argv = {HANGSCOPE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    r.err = "fork failed";
    return r;
  }
  auto deadline = start + std::chrono::milliseconds(timeout_ms);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t got = ::read(fds[i].fd, buf, sizeof(buf));
      if (got <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::optional<nlohmann::json> parse_report(const RunResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    ADD_FAILURE() << "hangscope did not print a JSON object (exit " << r.exit_code
                  << "): stdout=" << r.out.substr(0, 2000) << " stderr=" << r.err.substr(0, 2000);
    return std::nullopt;
  }
  EXPECT_EQ(j.value("schema", ""), "hangscope/1");
  if (!j.contains("chains") || !j["chains"].is_array()) {
    ADD_FAILURE() << "no \"chains\" array: " << r.out.substr(0, 2000);
    return std::nullopt;
  }
  return j;
}

const nlohmann::json* chain_for(const nlohmann::json& report, pid_t pid) {
  for (const auto& c : report["chains"]) {
    if (c.contains("stuck") && c["stuck"].value("pid", -1) == pid) return &c;
  }
  return nullptr;
}

void why_chain(pid_t pid, nlohmann::json* chain) {
  RunResult r = run_hangscope({"why", std::to_string(pid), "--json"});
  ASSERT_FALSE(r.timed_out) << "hangscope why did not finish within 10 s";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto report = parse_report(r);
  ASSERT_TRUE(report);
  const auto* found = chain_for(*report, pid);
  ASSERT_NE(found, nullptr) << report->dump(2);
  *chain = *found;
}

std::vector<pid_t> holder_pids(const nlohmann::json& hop) {
  std::vector<pid_t> out;
  if (!hop.contains("holders") || !hop["holders"].is_array()) return out;
  for (const auto& h : hop["holders"]) out.push_back(h.value("pid", -1));
  return out;
}

std::string object_field(const nlohmann::json& hop, const std::string& name) {
  if (!hop.contains("object") || !hop["object"].contains("fields")) return "";
  const auto& f = hop["object"]["fields"];
  if (!f.contains(name)) return "";
  if (f[name].is_string()) return f[name].get<std::string>();
  return f[name].dump();
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void expect_task_shape(pid_t pid, std::string_view states, std::string_view wchan,
                       const std::vector<std::string>& frames, const std::string& what) {
  auto stat = demo::read_task_stat(pid);
  ASSERT_TRUE(stat.ok()) << what << " (pid " << pid << ") is gone";
  // Compiler clones keep their suffix in the stack ("lo_rw_aio.isra.0"): compare base names.
  auto stack = demo::read_task_stack(pid);
  for (auto& f : stack) f = f.substr(0, f.find('.'));
  std::string text;
  for (const auto& f : stack) text += "  " + f + "\n";
  std::string seen_wchan = demo::read_task_wchan(pid);
  SCOPED_TRACE(what + " pid " + std::to_string(pid) + " (" + stat->comm + ") " + stat->state +
               " in " + seen_wchan + ", stack:\n" + text);
  EXPECT_NE(states.find(stat->state), std::string_view::npos)
      << what << ": state " << stat->state << ", expected one of " << states;
  if (!wchan.empty()) {
    EXPECT_EQ(seen_wchan, wchan) << what;
  }
  for (const auto& f : frames) {
    EXPECT_NE(std::find(stack.begin(), stack.end(), f), stack.end()) << what << ": no " << f;
  }
}

bool is_mounted(const std::string& mount_point) {
  auto mounts = demo::read_mountinfo();
  return mounts.ok() && demo::find_mount(*mounts, mount_point).has_value();
}

bool loop_released(int number) {
  demo::Deadline deadline(demo::Millis(3000));
  while (demo::loop_device_bound(number) && !deadline.expired()) ::usleep(10000);
  return !demo::loop_device_bound(number);
}

void expect_gone(const std::vector<pid_t>& pids) {
  for (pid_t p : pids) {
    if (p <= 0) continue;
    auto st = demo::read_task_stat(p);
    EXPECT_FALSE(st.ok() && st->ppid == ::getpid()) << "still here: " << demo::describe_task(p);
  }
}

void expect_no_d_state(const std::vector<pid_t>& pids, const std::string& worker_suffix) {
  auto stuck = demo::find_tasks([&](const demo::TaskStat& st) {
    if (st.state != 'D') return false;
    if (std::find(pids.begin(), pids.end(), st.pid) != pids.end()) return true;
    return !worker_suffix.empty() && st.comm.size() > worker_suffix.size() &&
           st.comm.compare(st.comm.size() - worker_suffix.size() - 1, std::string::npos,
                           "+" + worker_suffix) == 0;
  });
  for (pid_t p : stuck) ADD_FAILURE() << "left in D: " << demo::describe_task(p);
}

namespace {

std::set<pid_t>& started() {
  static std::set<pid_t> pids;
  return pids;
}

/// Installs the Ctrl-C release path, and at the end checks that no task the suite started is
/// left alive (in D or otherwise) and that no child of ours is left.
class LiveEnvironment : public testing::Environment {
 public:
  void SetUp() override { demo::emergency::install_signal_handlers(/*reraise=*/false); }
  void TearDown() override {
    demo::emergency::release_all();
    for (pid_t pid : started()) {
      auto st = demo::read_task_stat(pid);
      // A recorded pid now belonging to someone else would not be our child: check ppid.
      if (st && st->ppid == ::getpid()) {
        ADD_FAILURE() << "a task the suite started survives: " << demo::describe_task(pid);
      } else if (st && st->state == 'D') {
        // Grandchildren (a userfaultfd handler) are reparented: check the state too.
        ADD_FAILURE() << "a task the suite started is still in D: " << demo::describe_task(pid);
      }
    }
  }
};

/// On SIGINT/SIGTERM/SIGHUP the handler has already released every hang (abort knobs, thaw,
/// kills); the running test then fails fast and its fixture cleans up (reap, unmount, detach,
/// remove temp files) in TearDown. This stops the run right after that test.
class StopWhenInterrupted : public testing::EmptyTestEventListener {
  void OnTestEnd(const testing::TestInfo& info) override {
    if (int sig = demo::emergency::interrupted()) {
      std::fprintf(stderr, "interrupted by signal %d during %s.%s; hangs released, stopping\n", sig,
                   info.test_suite_name(), info.name());
      std::_Exit(128 + sig);
    }
  }
};

[[maybe_unused]] const bool g_listener = [] {
  testing::UnitTest::GetInstance()->listeners().Append(new StopWhenInterrupted);
  return true;
}();

[[maybe_unused]] testing::Environment* const g_env =
    testing::AddGlobalTestEnvironment(new LiveEnvironment);

}  // namespace

void remember_pid(pid_t pid) {
  if (pid > 0) started().insert(pid);
}

}  // namespace hangscope::live
