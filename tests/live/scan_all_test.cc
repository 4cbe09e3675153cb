// All four live hangs at once, then one `hangscope scan --json`: every chain must be there, with
// the right root cause, and the scan must finish in under 2 s of wall time.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/skip.h"
#include "demo/frozen_ext4.h"
#include "demo/fuse_write_chain.h"
#include "demo/seed_hang.h"
#include "demo/uffd_write.h"
#include "live/live_support.h"

namespace hangscope::live {
namespace {

/// The chain that explains `pid`: the one where it is the stuck task, else one listing it in
/// also_waiting, else one where it waits in a later hop (a blocked owner). nullptr when none.
const nlohmann::json* chain_covering(const nlohmann::json& report, pid_t pid) {
  if (const auto* c = chain_for(report, pid)) return c;
  for (const auto& c : report["chains"]) {
    if (!c.contains("also_waiting")) continue;
    for (const auto& p : c["also_waiting"]) {
      if (p.is_number() && p.get<pid_t>() == pid) return &c;
    }
  }
  for (const auto& c : report["chains"]) {
    for (const auto& hop : c["hops"]) {
      if (hop.contains("waiter") && hop["waiter"].value("pid", -1) == pid) return &c;
    }
  }
  return nullptr;
}

/// Expects `pid` explained by a chain whose root cause is `kinds` (any of) with pid `root_pid`
/// (-1: no pid).
void expect_root(const nlohmann::json& report, pid_t pid, std::vector<std::string> kinds,
                 pid_t root_pid, const char* what) {
  SCOPED_TRACE(what);
  const auto* chain = chain_covering(report, pid);
  ASSERT_NE(chain, nullptr) << "no chain for pid " << pid;
  const auto& root = (*chain)["root_cause"];
  std::string kind = root.value("kind", "");
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end()) << root.dump();
  if (root_pid > 0) {
    EXPECT_EQ(root.value("pid", -1), root_pid) << root.dump();
  } else {
    EXPECT_FALSE(root.contains("pid") && root["pid"].is_number() && root["pid"] > 0) << root.dump();
  }
}

TEST(ScanAll, FindsEveryChainOfFourSimultaneousHangsInUnderTwoSeconds) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  if (::access("/usr/sbin/mkfs.ext4", X_OK) != 0 && ::access("/sbin/mkfs.ext4", X_OK) != 0) {
    HS_SKIP("mkfs.ext4 not installed (e2fsprogs)");
  }
  // The seed last: its sync walks every super_block and must meet no other stuck one first.
  auto frozen = demo::FrozenExt4::start({true, demo::Millis(20000), {}});
  ASSERT_TRUE(frozen.ok()) << frozen.error().message;
  remember_pid((*frozen)->writer_pid());
  remember_pid((*frozen)->mkdir_pid());
  auto fuse = demo::FuseWriteChain::start({hangfs_binary(), false, demo::Millis(10000), {}});
  ASSERT_TRUE(fuse.ok()) << fuse.error().message;
  for (pid_t p : {(*fuse)->daemon_pid(), (*fuse)->writer1_pid(), (*fuse)->writer2_pid(),
                  (*fuse)->trunc3_pid()}) {
    remember_pid(p);
  }
  auto uffd = demo::UffdWrite::start({demo::UffdTarget::kFile, demo::Millis(10000), {}});
  ASSERT_TRUE(uffd.ok()) << uffd.error().message;
  for (pid_t p : {(*uffd)->writer1_pid(), (*uffd)->writer2_pid(), (*uffd)->handler_pid()}) {
    remember_pid(p);
  }
  auto seed = demo::SeedHang::start({hangfs_binary(), true, demo::Millis(10000), {}});
  ASSERT_TRUE(seed.ok()) << seed.error().message;
  for (pid_t p : {(*seed)->daemon_pid(), (*seed)->umount_pid(), (*seed)->sync_pid()}) {
    remember_pid(p);
  }

  RunResult r = run_hangscope({"scan", "--json", "--min", "0s"});
  ASSERT_FALSE(r.timed_out) << "hangscope scan did not finish within 10 s";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(r.wall_ms, 2000.0) << "scan took " << r.wall_ms << " ms";
  auto report = parse_report(r);
  ASSERT_TRUE(report);
  SCOPED_TRACE("report: " + report->dump(1).substr(0, 20000));

  const std::vector<std::string> daemon_kinds = {"stopped_task"};  // the daemons are SIGSTOPped
  expect_root(*report, (*seed)->sync_pid(), daemon_kinds, (*seed)->daemon_pid(), "seed: sync");
  expect_root(*report, (*seed)->umount_pid(), daemon_kinds, (*seed)->daemon_pid(), "seed: umount");
  expect_root(*report, (*fuse)->writer2_pid(), daemon_kinds, (*fuse)->daemon_pid(),
              "fuse: writer2");
  expect_root(*report, (*fuse)->trunc3_pid(), daemon_kinds, (*fuse)->daemon_pid(), "fuse: trunc3");
  expect_root(*report, (*frozen)->writer_pid(), {"frozen_fs"}, -1, "frozen: writer");
  expect_root(*report, (*frozen)->mkdir_pid(), {"frozen_fs"}, -1, "frozen: mkdir");
  expect_root(*report, (*uffd)->writer2_pid(), {"uffd_handler", "stopped_task"},
              (*uffd)->handler_pid(), "uffd: writer2");
}

}  // namespace
}  // namespace hangscope::live
