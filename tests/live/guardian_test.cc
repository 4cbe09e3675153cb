// A fixture's process killed with SIGKILL (no handler runs, no destructor): its guardian must
// undo the hang by itself. The hardest case: a daemon frozen by the cgroup-v1 freezer, which not
// even the SIGKILL that PR_SET_PDEATHSIG sends it can end until its cgroup is thawed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "demo/cgroup.h"
#include "demo/fuse_control.h"
#include "demo/fuse_write_chain.h"
#include "demo/proc_task.h"
#include "live/live_support.h"
#include "support/skip.h"

namespace hangscope::live {
namespace {

/// What the doomed process tells the test about the hang it made.
struct Made {
  pid_t daemon, writer1, writer2, trunc3, guardian;
  uint64_t connection;
  char mount_point[256];
  char cgroup[256];  ///< as /proc/PID/cgroup names it
};

/// True once `pid` is gone or a zombie (orphans are reaped by init, not by us).
bool ended(pid_t pid) {
  auto st = demo::read_task_stat(pid);
  return !st.ok() || st->state == 'Z';
}

bool exists(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0;
}

bool freezer_cgroup_exists(const char* name) {
  auto found = demo::cgroup_exists(demo::CgroupVersion::kV1, "freezer", name);
  return !found.ok() || *found;
}

TEST(Guardian, UndoesAFrozenDaemonHangWhenItsMakerIsKilled) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  int report[2];
  ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
  pid_t maker = ::fork();
  ASSERT_GE(maker, 0);
  if (maker == 0) {
    ::close(report[0]);
    auto hang = demo::FuseWriteChain::start(
        {hangfs_binary(), false, demo::Millis(10000), {}, demo::DaemonHalt::kFreezerV1});
    Made m{};
    if (hang.ok()) {
      auto& h = **hang;
      m = {h.daemon_pid(),
           h.writer1_pid(),
           h.writer2_pid(),
           h.trunc3_pid(),
           h.guardian_pid(),
           h.connection_id(),
           {},
           {}};
      std::strncpy(m.mount_point, h.mount_point().c_str(), sizeof(m.mount_point) - 1);
      std::strncpy(m.cgroup, h.hold().cgroup()->name_in_hierarchy().c_str(), sizeof(m.cgroup) - 1);
    }
    (void)!::write(report[1], &m, sizeof(m));
    for (;;) ::pause();  // until SIGKILL: no cleanup() ever runs here
  }
  ::close(report[1]);
  Made m{};
  ssize_t n = ::read(report[0], &m, sizeof(m));
  ::close(report[0]);
  ::kill(maker, SIGKILL);
  int status = 0;
  ::waitpid(maker, &status, 0);
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof(m)));
  ASSERT_GT(m.daemon, 0) << "the fixture did not start in the child";
  for (pid_t p : {m.daemon, m.writer1, m.writer2, m.trunc3, m.guardian}) remember_pid(p);

  demo::Deadline deadline(demo::Millis(15000));
  auto all_undone = [&] {
    return ended(m.daemon) && ended(m.writer1) && ended(m.writer2) && ended(m.trunc3) &&
           ended(m.guardian) && !demo::fuse_connection_exists(m.connection) &&
           !is_mounted(m.mount_point) && !freezer_cgroup_exists(m.cgroup);
  };
  while (!all_undone() && !deadline.expired()) ::usleep(20000);
  for (pid_t p : {m.daemon, m.writer1, m.writer2, m.trunc3, m.guardian}) {
    EXPECT_TRUE(ended(p)) << demo::describe_task(p);
  }
  EXPECT_FALSE(demo::fuse_connection_exists(m.connection));
  EXPECT_FALSE(is_mounted(m.mount_point)) << m.mount_point;
  EXPECT_FALSE(freezer_cgroup_exists(m.cgroup)) << m.cgroup;
  std::string dir = m.mount_point;
  dir = dir.substr(0, dir.rfind('/'));
  EXPECT_FALSE(exists(dir.c_str())) << dir;
}

}  // namespace
}  // namespace hangscope::live
