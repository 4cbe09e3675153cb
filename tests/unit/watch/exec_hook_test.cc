// The exec hook: the command gets the JSON on stdin, its exit status, signal, time and output
// are reported, a command past its time limit is killed with its whole process group, and a
// command that ignores its stdin does not hurt watch (no SIGPIPE).
#include "watch/exec_hook.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace hangscope::watch {
namespace {

using namespace std::chrono_literals;

// The state letter of /proc/PID/stat, '?' when unreadable.
char state_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  std::size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() ? line[paren + 2] : '?';
}

TEST(ExecHook, StdinDeliveredExitStatusAndOutputReported) {
  ExecResult r = run_exec_hook("wc -c; exit 3", std::string(100000, 'j'), 10, 4096);
  EXPECT_TRUE(r.started);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.output, "100000\n");
  EXPECT_GE(r.seconds, 0.0);
  EXPECT_LT(r.seconds, 10.0);
}

TEST(ExecHook, PastItsTimeLimitTheWholeGroupIsKilled) {
  // The shell starts a background sleep and prints its pid, then waits.
  ExecResult r = run_exec_hook("sleep 30 & echo $!; wait", "", 0.5, 4096);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_FALSE(r.unreaped);
  EXPECT_GE(r.seconds, 0.5);
  EXPECT_LT(r.seconds, 2.5);
  pid_t bg = std::atoi(r.output.c_str());
  ASSERT_GT(bg, 0) << r.output;
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {  // dead: reaped, or a zombie of a non-reaping init
    gone = kill(bg, 0) != 0 || state_of(bg) == 'Z';
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone) << "background child " << bg << " survived the time limit";
}

TEST(ExecHook, ACommandThatIgnoresItsInputIsNoProblem) {
  ExecResult r = run_exec_hook("exit 0", std::string(4 << 20, 'x'), 10, 4096);
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_FALSE(r.timed_out);
  // Still alive (a SIGPIPE would have killed this test binary).
  sigset_t pending;
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE));
}

TEST(ExecHook, OutputKeepsItsTailAndSignalsAreNamed) {
  ExecResult r = run_exec_hook("seq 1 2000; kill -TERM $$", "", 10, 16);
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.output.size(), 16u);
  EXPECT_EQ(r.output.substr(r.output.size() - 5), "2000\n");
}

TEST(ExecHook, WorkerReportsEachRunAndNeverBlocksTheCaller) {
  ExecHook hook({"cat >/dev/null; sleep 0.3", 5, 1, 4096});
  EXPECT_TRUE(hook.offer("{}\n"));  // runs
  std::this_thread::sleep_for(50ms);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(hook.offer("{}\n"));                          // waits
  EXPECT_FALSE(hook.offer("{}\n"));                         // queue of 1 full: dropped
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 200ms);  // the first run takes 300 ms
  EXPECT_EQ(hook.dropped(), 1u);
  EXPECT_TRUE(hook.stop(5s));
  auto results = hook.take_results();
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) EXPECT_EQ(r.exit_status, 0);
}

}  // namespace
}  // namespace hangscope::watch
