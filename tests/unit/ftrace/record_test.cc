#include "ftrace/record.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "ftrace/tracefs.h"
#include "ftrace_test_util.h"
#include "support/skip.h"

namespace hangscope::ftrace {
namespace {

using testing::read_all;
using testing::TempFile;

TEST(FtraceTracefs, FoundInMountinfo) {
  EXPECT_EQ(tracefs_from_mountinfo("22 27 0:21 / /proc rw - proc proc rw\n"), "");
  EXPECT_EQ(tracefs_from_mountinfo("40 23 0:12 / /sys/kernel/tracing rw,nosuid shared:9 - tracefs "
                                   "tracefs rw\n"),
            "/sys/kernel/tracing");
  EXPECT_EQ(tracefs_from_mountinfo("41 23 0:7 / /sys/kernel/debug rw - debugfs debugfs rw\n"),
            "/sys/kernel/debug/tracing");
  EXPECT_EQ(tracefs_from_mountinfo("41 23 0:7 / /mnt/my\\040trace rw - tracefs nodev rw\n"),
            "/mnt/my trace");
}

TEST(FtraceRecord, MissingTracerMessageSaysWhatToUseInstead) {
  std::string m = missing_tracer_message("function_graph", "blk function nop", "6.18.0");
  EXPECT_NE(m.find("CONFIG_FUNCTION_GRAPH_TRACER"), std::string::npos);
  EXPECT_NE(m.find("hangscope why"), std::string::npos);
  EXPECT_NE(m.find("hangscope watch"), std::string::npos);
  EXPECT_EQ(m.find('\n'), std::string::npos);
}

/// Starts a run whose "trace pipe" is a real pipe we write into from the start callback.
struct PipeRun {
  int p[2] = {-1, -1};
  TempFile out;
  int out_fd = -1;
  char state_at_start = '?';
  bool stopped = false;
  PipeRun() {
    EXPECT_EQ(::pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    out_fd = ::open(out.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  }
  ~PipeRun() {
    if (p[1] >= 0) ::close(p[1]);
    ::close(out_fd);
  }
  TracedRun make(std::vector<std::string> cmd, double timeout) {
    TracedRun r;
    r.command = std::move(cmd);
    r.timeout_s = timeout;
    r.out_fd = out_fd;
    r.header = "# header\n";
    r.start = [this](int pid) -> Result<int> {
      // The command must be stopped before exec while tracing is set up.
      std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
      size_t close = stat.rfind(')');
      if (close != std::string::npos && close + 2 < stat.size()) state_at_start = stat[close + 2];
      std::string line = " 0)   0.1 us  |  pid_" + std::to_string(pid) + "();\n";
      (void)!::write(p[1], line.data(), line.size());
      return p[0];
    };
    r.stop = [this] { stopped = true; };
    return r;
  }
};

TEST(FtraceTracedRun, CommandStopsBeforeExecAndItsTraceIsCopied) {
  PipeRun pr;
  auto r = run_traced(pr.make({"/bin/sh", "-c", "exit 3"}, 10));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(pr.state_at_start, 'T');
  EXPECT_TRUE(r->exited);
  EXPECT_EQ(WEXITSTATUS(r->exit_status), 3);
  EXPECT_TRUE(pr.stopped);
  std::string text = read_all(pr.out.path());
  EXPECT_EQ(text, "# header\n 0)   0.1 us  |  pid_" + std::to_string(r->pid) + "();\n");
  EXPECT_EQ(r->bytes, text.size());
}

TEST(FtraceTracedRun, TimeoutStopsAndKillsTheCommand) {
  PipeRun pr;
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_traced(pr.make({"sleep", "30"}, 0.3));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->exited);
  EXPECT_FALSE(r->still_alive);
  EXPECT_LT(took, 10.0);  // bounded, not the command's 30 s
}

// At the timeout, what the command started goes too (a shell's background child here).
TEST(FtraceTracedRun, TimeoutAlsoKillsWhatTheCommandStarted) {
  PipeRun pr;
  char pid_file[] = "/tmp/hs_traced_childXXXXXX";
  int fd = ::mkstemp(pid_file);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::string script = std::string("sleep 300 & echo $! > ") + pid_file + "; wait";
  auto r = run_traced(pr.make({"sh", "-c", script}, 0.5));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->still_alive);
  std::FILE* f = std::fopen(pid_file, "r");
  ASSERT_NE(f, nullptr);
  int child = 0;
  ASSERT_EQ(std::fscanf(f, "%d", &child), 1);
  std::fclose(f);
  ::unlink(pid_file);
  ASSERT_GT(child, 0);
  // Gone, or a zombie waiting for an init that does not reap (containers): bounded, 2 s.
  bool ended = false;
  for (int i = 0; i < 200 && !ended; ++i) {
    std::FILE* st = std::fopen(("/proc/" + std::to_string(child) + "/stat").c_str(), "r");
    if (!st) {
      ended = true;
      break;
    }
    char buf[256] = {};
    std::size_t n = std::fread(buf, 1, sizeof buf - 1, st);
    std::fclose(st);
    const char* paren = std::strrchr(buf, ')');
    ended = n == 0 || (paren && (paren[2] == 'Z' || paren[2] == 'X'));
    if (!ended) ::usleep(10000);
  }
  if (!ended) ::kill(child, SIGKILL);  // never leave it behind
  EXPECT_TRUE(ended) << "the command's child " << child << " survived the timeout";
}

TEST(FtraceTracedRun, CtrlCStopsTheRunAndRestoresTheHandler) {
  PipeRun pr;
  TracedRun run = pr.make({"sleep", "30"}, 20);
  auto start = run.start;
  run.start = [&](int pid) -> Result<int> {
    ::kill(::getpid(), SIGINT);  // as if the user pressed Ctrl-C while the command runs
    return start(pid);
  };
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_traced(run);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->interrupted);
  EXPECT_FALSE(r->still_alive);
  EXPECT_TRUE(pr.stopped);
  EXPECT_LT(took, 10.0);
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST(FtraceTracedRun, UnknownCommandIsANote) {
  PipeRun pr;
  auto r = run_traced(pr.make({"/nonexistent/cmd"}, 5));
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->notes.empty());
  EXPECT_NE(r->notes[0].find("cannot execute"), std::string::npos);
}

TEST(FtraceTracedRun, FailedStartKillsTheStoppedCommand) {
  PipeRun pr;
  TracedRun run = pr.make({"sleep", "30"}, 5);
  int seen_pid = -1;
  run.start = [&](int pid) -> Result<int> {
    seen_pid = pid;
    return make_error("set_ftrace_pid: Operation not permitted");
  };
  auto r = run_traced(run);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("set_ftrace_pid"), std::string::npos);
  ASSERT_GT(seen_pid, 0);
  EXPECT_NE(::kill(seen_pid, 0), 0);  // reaped
}

bool kernel_has_function_graph() {
  std::string mi = read_all("/proc/self/mountinfo");
  std::string root = tracefs_from_mountinfo(mi);
  if (root.empty()) return false;  // cannot tell without mounting; the CLI test below mounts
  return read_all(root + "/available_tracers").find("function_graph") != std::string::npos;
}

// Real tracefs on this machine: a kernel without function_graph must say so, exit 2, and
// leave tracefs as it found it.
TEST(FtraceRecordCli, KernelWithoutFunctionGraphSaysSoAndCleansUp) {
  if (::geteuid() != 0) HS_SKIP("needs root (tracefs)");
  if (kernel_has_function_graph()) HS_SKIP("this kernel has function_graph");
  std::string before = read_all("/proc/self/mountinfo");
  TempFile out;
  auto r = testing::run_command(std::string(HANGSCOPE_BIN) + " ftrace record -G ksys_sync -o " +
                                out.path() + " -- true");
  if (r.err.find("CONFIG_FUNCTION_GRAPH_TRACER") == std::string::npos &&
      r.err.find("has no function_graph") == std::string::npos)
    HS_SKIP("kernel has function_graph; stderr: " << r.err);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_NE(r.err.find("hangscope watch"), std::string::npos);
  EXPECT_EQ(read_all("/proc/self/mountinfo").find("tracefs") != std::string::npos,
            before.find("tracefs") != std::string::npos);
  std::string root = tracefs_from_mountinfo(read_all("/proc/self/mountinfo"));
  if (!root.empty())
    for (const auto& e : std::filesystem::directory_iterator(root + "/instances"))
      EXPECT_EQ(e.path().filename().string().find("hangscope-"), std::string::npos);
}

}  // namespace
}  // namespace hangscope::ftrace
