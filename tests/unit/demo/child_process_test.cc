#include "demo/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo/emergency.h"
#include "demo/fixture_support.h"
#include "demo/proc_task.h"

namespace hangscope::demo {
namespace {

TEST(ChildProcess, ForkRunReturnsTheBodysExitCodeAndName) {
  auto c = ChildProcess::fork_run("hs-child", [] {
    char name[16] = {};
    int fd = ::open("/proc/self/comm", O_RDONLY);
    ssize_t n = fd >= 0 ? ::read(fd, name, sizeof(name) - 1) : -1;
    return n > 0 && std::string(name, static_cast<size_t>(n)) == "hs-child\n" ? 7 : 1;
  });
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto status = c->wait(Millis(5000));
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 7);
  EXPECT_FALSE(c->running());
}

TEST(ChildProcess, ForkRunClosesInheritedDescriptors) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto c = ChildProcess::fork_run("hs-fds", [&] {
    return ::fcntl(fds[0], F_GETFD) < 0 && ::fcntl(fds[1], F_GETFD) < 0 ? 0 : 1;
  });
  ASSERT_TRUE(c.ok());
  auto status = c->wait(Millis(5000));
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(WEXITSTATUS(*status), 0) << "a forked child kept a descriptor it was not given";
}

TEST(ChildProcess, WaitTimesOutThenKillReaps) {
  auto c = ChildProcess::fork_run("hs-sleeper", [] {
    ::pause();
    return 0;
  });
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(wait_for_task(c->pid(), {"S", {}}, Millis(5000)).ok());
  auto status = c->wait(Millis(20));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("still running"), std::string::npos);
  EXPECT_TRUE(c->kill_and_reap(Millis(5000)).ok());
  EXPECT_FALSE(c->running());
  EXPECT_TRUE(c->kill_and_reap(Millis(10)).ok());  // idempotent
}

TEST(ChildProcess, SpawnReportsExecFailure) {
  auto c = ChildProcess::spawn({"/nonexistent/hangscope-no-such-binary"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("No such file"), std::string::npos) << c.error().message;
}

TEST(ChildProcess, SpawnPassesOneDescriptorAsFd3) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  auto c = ChildProcess::spawn({"/bin/sh", "-c", "echo hi >&3"}, fds[1]);
  ::close(fds[1]);
  ASSERT_TRUE(c.ok()) << c.error().message;
  char buf[3] = {};
  EXPECT_TRUE(read_exact(fds[0], buf, 3, Millis(5000), "fd 3").ok());
  EXPECT_EQ(std::string(buf, 3), "hi\n");
  ::close(fds[0]);
  EXPECT_TRUE(c->wait(Millis(5000)).ok());
}

TEST(Worker, PreparesReportsThenActsOnGo) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  auto w = Worker::start(
      "hs-worker", [] { return 42L; }, [] { return 3; }, Millis(5000));
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->prepared(), 42);
  ASSERT_TRUE(wait_for_task(w->pid(), {"S", {}}, Millis(5000)).ok());
  ASSERT_TRUE(w->go().ok());
  auto status = w->process().wait(Millis(5000));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(WEXITSTATUS(*status), 3);
}

TEST(Worker, PrepareFailureIsReportedWithErrno) {
  auto w = Worker::start(
      "hs-worker", [] { return -static_cast<long>(ENOENT); }, [] { return 0; }, Millis(5000));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("No such file"), std::string::npos) << w.error().message;
}

TEST(Emergency, ReleaseAllKillsRegisteredPids) {
  auto c = ChildProcess::fork_run("hs-stopped", [] {
    ::pause();
    return 0;
  });
  ASSERT_TRUE(c.ok());
  c->signal(SIGSTOP);
  ASSERT_TRUE(wait_for_task(c->pid(), {"T", {}}, Millis(5000)).ok());
  int slot = emergency::add_kill(c->pid());
  ASSERT_GE(slot, 0);
  emergency::release_all();
  emergency::remove(slot);
  auto status = c->wait(Millis(5000));
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_EQ(WTERMSIG(*status), SIGKILL);
}

TEST(Emergency, RejectsOverlongPaths) {
  std::string path(300, 'x');
  EXPECT_EQ(emergency::add_abort_knob(path.c_str()), -1);
  EXPECT_EQ(emergency::add_kill(0), -1);
  emergency::remove(-1);  // no-op
}

TEST(CleanupErrors, JoinsEveryFailure) {
  CleanupErrors e;
  EXPECT_TRUE(e.result().ok());
  e.add(Unit{});
  e.add(make_error("a failed"));
  e.add(make_error("b failed"));
  ASSERT_FALSE(e.result().ok());
  EXPECT_EQ(e.result().error().message, "a failed; b failed");
}

}  // namespace
}  // namespace hangscope::demo
