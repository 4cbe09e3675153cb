// The FUSE write chain (writer2/trunc3 -> i_rwsem -> writer1 -> FUSE_WRITE -> hangfs) with the
// daemon kept from answering in each way DaemonHalt makes: frozen by the cgroup-v1 freezer and by
// cgroup v2's cgroup.freeze, held in a ptrace stop by a tracer, spinning on a CPU (alone or under
// a 1% CPU quota), deadlocked with writer1 through its own mount. Checks each hang's shape in
// /proc (and the cgroup files), and that cleanup thaws, detaches and removes everything.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "demo/cgroup.h"
#include "demo/daemon_halt.h"
#include "demo/fuse_control.h"
#include "demo/fuse_write_chain.h"
#include "demo/proc_task.h"
#include "demo/ptrace_stop.h"
#include "live/live_support.h"
#include "support/skip.h"

namespace hangscope::live {
namespace {

using demo::DaemonHalt;
using demo::FuseWriteChain;

/// The text of a cgroup knob, or `fallback` when it cannot be read.
std::string knob(const demo::Cgroup& cg, const std::string& name, const std::string& fallback) {
  auto text = cg.read(name);
  return text.ok() ? *text : fallback;
}

/// The line of /proc/PID/cgroup for hierarchy `key` ("freezer", "cpu", or "" for v2's "0::").
std::string cgroup_line(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    std::string controllers = line.substr(a + 1, b - a - 1);
    if (controllers == key) return line.substr(b + 1);
  }
  return "";
}

class FuseDaemonHaltTest : public HangTest<FuseWriteChain, testing::TestWithParam<DaemonHalt>> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    auto hang =
        FuseWriteChain::start({hangfs_binary(), false, demo::Millis(10000), {}, GetParam()});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    for (pid_t p : {hang_->daemon_pid(), hang_->writer1_pid(), hang_->writer2_pid(),
                    hang_->trunc3_pid(), hang_->hold().tracer_pid()}) {
      remember_pid(p);
    }
  }
  DaemonHalt halt() const { return GetParam(); }
  void expect_daemon_shape();
};

void FuseDaemonHaltTest::expect_daemon_shape() {
  const pid_t daemon = hang_->daemon_pid();
  const auto& cg = hang_->hold().cgroup();
  switch (halt()) {
    case DaemonHalt::kFreezerV1:
      expect_task_shape(daemon, "D", "__refrigerator", {"get_signal"}, "hangfs (v1 frozen)");
      ASSERT_TRUE(cg.has_value());
      EXPECT_EQ(cgroup_line(daemon, "freezer"), cg->name_in_hierarchy());
      EXPECT_EQ(knob(*cg, "freezer.state", "?"), "FROZEN");
      break;
    case DaemonHalt::kFreezerV2:
      // cgroup v2 freezes with a job-control trap (do_freezer_trap, inlined in get_signal): the
      // task sleeps interruptibly, S, unlike the v1 freezer's D in __refrigerator.
      expect_task_shape(daemon, "S", "get_signal", {"arch_do_signal_or_restart"},
                        "hangfs (v2 frozen)");
      ASSERT_TRUE(cg.has_value());
      EXPECT_EQ(cgroup_line(daemon, ""), cg->name_in_hierarchy());
      EXPECT_NE(knob(*cg, "cgroup.events", "").find("frozen 1"), std::string::npos);
      break;
    case DaemonHalt::kPtraceStop: {
      expect_task_shape(daemon, "t", "", {"ptrace_stop"}, "hangfs (traced)");
      auto tracer = demo::read_tracer_pid(daemon);
      ASSERT_TRUE(tracer.ok());
      EXPECT_EQ(*tracer, hang_->hold().tracer_pid());
      expect_task_shape(hang_->hold().tracer_pid(), "S", "", {"do_wait"}, "tracer");
      break;
    }
    case DaemonHalt::kSpin:
      expect_task_shape(daemon, "R", "", {}, "hangfs (spinning)");
      break;
    case DaemonHalt::kSpinThrottled: {
      expect_task_shape(daemon, "R", "", {}, "hangfs (spinning, throttled)");
      ASSERT_TRUE(cg.has_value());
      EXPECT_EQ(cgroup_line(daemon, "cpu"), cg->name_in_hierarchy());
      EXPECT_EQ(knob(*cg, "cpu.cfs_quota_us", "?"), "1000");
      // The quota bites within a few periods (100 ms each).
      demo::Deadline deadline(demo::Millis(3000));
      std::string stat;
      while (!deadline.expired()) {
        stat = knob(*cg, "cpu.stat", "");
        if (stat.find("nr_throttled 0") == std::string::npos) break;
        ::usleep(50000);
      }
      EXPECT_EQ(stat.find("nr_throttled 0"), std::string::npos) << stat;
      break;
    }
    case DaemonHalt::kSelfWrite:
      expect_task_shape(daemon, "D", "fuse_file_write_iter", {"vfs_write"},
                        "hangfs (writing to its own mount)");
      break;
    case DaemonHalt::kSigstop:
      expect_task_shape(daemon, "T", "do_signal_stop", {}, "hangfs (stopped)");
      break;
  }
}

TEST_P(FuseDaemonHaltTest, WritersWaitForTheHaltedDaemon) {
  expect_task_shape(hang_->writer1_pid(), "S", "request_wait_answer", {"fuse_perform_write"},
                    "writer1");
  expect_task_shape(hang_->writer2_pid(), "D", "fuse_file_write_iter", {}, "writer2");
  expect_task_shape(hang_->trunc3_pid(), "D", "do_truncate", {}, "trunc3");
  expect_daemon_shape();
}

TEST_P(FuseDaemonHaltTest, CleanupLiftsTheHaltAndReleasesEverything) {
  std::vector<pid_t> pids = {hang_->daemon_pid(),        hang_->writer1_pid(),
                             hang_->writer2_pid(),       hang_->trunc3_pid(),
                             hang_->hold().tracer_pid(), hang_->guardian_pid()};
  auto conn = hang_->connection_id();
  std::string mnt = hang_->mount_point();
  const auto& cg = hang_->hold().cgroup();
  std::string cgroup = cg ? cg->name_in_hierarchy() : "";
  auto version = cg ? cg->version() : demo::CgroupVersion::kV1;
  std::string controller = halt() == DaemonHalt::kSpinThrottled ? "cpu" : "freezer";
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  expect_gone(pids);
  expect_no_d_state(pids, "");
  EXPECT_FALSE(demo::fuse_connection_exists(conn));
  EXPECT_FALSE(is_mounted(mnt));
  if (!cgroup.empty()) {
    auto found = demo::cgroup_exists(version, controller, cgroup);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_FALSE(*found) << cgroup;
  }
}

INSTANTIATE_TEST_SUITE_P(Halts, FuseDaemonHaltTest,
                         testing::Values(DaemonHalt::kFreezerV1, DaemonHalt::kFreezerV2,
                                         DaemonHalt::kPtraceStop, DaemonHalt::kSpin,
                                         DaemonHalt::kSpinThrottled, DaemonHalt::kSelfWrite),
                         [](const testing::TestParamInfo<DaemonHalt>& info) {
                           std::string name = demo::daemon_halt_name(info.param);
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hangscope::live
