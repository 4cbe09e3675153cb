// `hangscope demo` end to end: it builds the seed hang, prints the diagnosis, and leaves
// nothing behind, also when interrupted with Ctrl-C (SIGINT) while the hang is held.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "support/skip.h"
#include "demo/child_process.h"
#include "demo/loop_device.h"
#include "demo/proc_task.h"
#include "live/live_support.h"

namespace hangscope::live {
namespace {

/// What the demo's step lines say it made.
struct DemoTrace {
  std::string temp_dir;
  int loop = -1;
  std::vector<pid_t> pids;  // hangfs, umount, sync
};

DemoTrace parse_demo_output(const std::string& out) {
  DemoTrace t;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(/dev/loop(\d+) bound to (/tmp/[^ ]+)/disk\.img)"))) {
    t.loop = std::stoi(m[1]);
    t.temp_dir = m[2];
  }
  for (const char* re :
       {R"(by hangfs pid (\d+))", R"(umount pid (\d+) blocked)", R"(sync pid (\d+) blocked)"}) {
    if (std::regex_search(out, m, std::regex(re))) t.pids.push_back(std::stoi(m[1]));
  }
  return t;
}

/// Everything the demo made is gone: its tasks, its loop device, its temp dir.
void expect_nothing_left(const DemoTrace& t) {
  ASSERT_EQ(t.pids.size(), 3u) << "the demo did not report all three pids";
  for (pid_t p : t.pids) {
    remember_pid(p);
    EXPECT_FALSE(demo::read_task_stat(p).ok()) << demo::describe_task(p);
  }
  ASSERT_GE(t.loop, 0);
  demo::Deadline deadline(demo::Millis(3000));
  while (demo::loop_device_bound(t.loop) && !deadline.expired()) ::usleep(10000);
  EXPECT_FALSE(demo::loop_device_bound(t.loop));
  ASSERT_FALSE(t.temp_dir.empty());
  EXPECT_NE(::access(t.temp_dir.c_str(), F_OK), 0) << t.temp_dir << " left behind";
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(Demo, DiagnosesTheSeedCaseAndCleansUp) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  RunResult r = run_hangscope({"demo"}, 30000);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("root cause:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("demo: cleaned up"), std::string::npos) << r.out;
  auto trace = parse_demo_output(r.out);
  ASSERT_EQ(trace.pids.size(), 3u) << r.out;
  // The diagnosis names the stopped daemon as the root cause.
  EXPECT_NE(r.out.find("hangfs (pid " + std::to_string(trace.pids[0]) + ") is stopped"),
            std::string::npos)
      << r.out;
  expect_nothing_left(trace);
}

TEST(Demo, CtrlCWhileHoldingTheHangCleansUp) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  char out_path[] = "/tmp/hangscope-demo-test-XXXXXX";
  int fd = ::mkstemp(out_path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::string cmd =
      std::string("exec ") + HANGSCOPE_BIN + " demo --hold 60 > " + out_path + " 2>&1";
  auto demo_run = demo::ChildProcess::spawn({"/bin/sh", "-c", cmd});
  ASSERT_TRUE(demo_run.ok()) << demo_run.error().message;
  demo::Deadline deadline(demo::Millis(30000));
  std::string out;
  while (!deadline.expired()) {
    out = slurp(out_path);
    if (out.find("holding the hang") != std::string::npos || !demo_run->running()) break;
    ::usleep(20000);
  }
  bool held = out.find("holding the hang") != std::string::npos;
  demo_run->signal(SIGINT);
  auto status = demo_run->wait(demo::Millis(20000));
  out = slurp(out_path);
  ::unlink(out_path);
  ASSERT_TRUE(held) << out;
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_TRUE(WIFEXITED(*status)) << out;
  EXPECT_EQ(WEXITSTATUS(*status), 128 + SIGINT) << out;
  EXPECT_NE(out.find("demo: cleaned up"), std::string::npos) << out;
  EXPECT_NE(out.find("interrupted (signal 2)"), std::string::npos) << out;
  expect_nothing_left(parse_demo_output(out));
}

}  // namespace
}  // namespace hangscope::live
