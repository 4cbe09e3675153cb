// Log -> Snapshot -> the lead's analysis: the chains the shared logs must give.
#include "log/to_snapshot.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "analyze/analyze.h"
#include "kernel/taint.h"

namespace hangscope::log {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const model::Task* task(const model::Snapshot& s, int pid) {
  for (const auto& t : s.tasks)
    if (t.pid == pid) return &t;
  return nullptr;
}

analyze::Findings analyze_log(const model::Snapshot& s) {
  analyze::AnalyzeOptions o;
  o.min_stuck_seconds = 0;
  return analyze::analyze(s, o);
}

TEST(ToSnapshot, SeedCaseLeakedSUmount) {
  model::Snapshot s = to_snapshot(
      parse_log_text(slurp(std::string(HANGSCOPE_TESTDATA_DIR) + "/seed-case/sync-hang.dmesg")));
  EXPECT_EQ(s.source, "log");
  EXPECT_EQ(s.kernel.release, "5.3.0-51-generic");
  // "Tainted: G           O": the letters as printed, and the mask with only TAINT_OOT_MODULE.
  EXPECT_EQ(s.kernel.taint.value_or(""), "G O");
  EXPECT_EQ(s.kernel.taint_flags.value_or(0), kernel::taint_bit(kernel::Taint::oot_module));
  const model::Task* modprobe = task(s, 9151);
  ASSERT_NE(modprobe, nullptr);
  EXPECT_EQ(modprobe->state, model::TaskState::dead);
  EXPECT_NE(modprobe->death.find("nfsd_fill_super"), std::string::npos);
  const model::Task* sync = task(s, 10127);
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->state, model::TaskState::disk_sleep);
  ASSERT_EQ(s.locks.size(), 1u);
  EXPECT_EQ(s.locks[0].name, "s_umount");
  EXPECT_EQ(*s.locks[0].owner_pid, 9151);
  EXPECT_EQ(s.locks[0].owner_mode, model::LockMode::write);
  EXPECT_FALSE(s.locks[0].addr.known());

  analyze::Findings f = analyze_log(s);
  ASSERT_EQ(f.chains.size(), 1u);
  const analyze::Chain& c = f.chains[0];
  EXPECT_EQ(c.stuck.pid, 10127);
  ASSERT_EQ(c.hops.size(), 1u);
  EXPECT_EQ(c.hops[0].wait.lock_name, "s_umount");
  EXPECT_EQ(c.hops[0].wait.mode, model::LockMode::read);
  ASSERT_EQ(c.hops[0].holders.size(), 1u);
  EXPECT_EQ(c.hops[0].holders[0].pid, 9151);
  EXPECT_FALSE(c.hops[0].holders[0].alive);
  EXPECT_EQ(c.root.kind, analyze::RootKind::dead_owner);
  EXPECT_NE(c.root.remedy.find("reboot"), std::string::npos);
}

TEST(ToSnapshot, FuseblkUmountSyncFromBlockerLine) {
  model::Snapshot s = to_snapshot(parse_log_text(
      slurp(std::string(HANGSCOPE_TESTDATA_DIR) + "/hangs-6.18/fuseblk-umount-sync.dmesg")));
  analyze::Findings f = analyze_log(s);
  ASSERT_FALSE(f.chains.empty());
  const analyze::Chain& c = f.chains[0];
  EXPECT_EQ(c.stuck.pid, 20237);
  ASSERT_GE(c.hops.size(), 2u);
  EXPECT_EQ(c.hops[0].wait.lock_name, "s_umount");
  EXPECT_EQ(c.hops[0].holders.at(0).pid, 20232);
  EXPECT_EQ(c.hops[0].holder_mode, model::LockMode::write);
  EXPECT_EQ(c.hops[1].wait.kind, model::LockKind::fuse_request);
}

TEST(ToSnapshot, FuseWriteIRwsemTwoHops) {
  model::Snapshot s = to_snapshot(parse_log_text(
      slurp(std::string(HANGSCOPE_TESTDATA_DIR) + "/hangs-6.18/fuse-write-i_rwsem.dmesg")));
  analyze::Findings f = analyze_log(s);
  ASSERT_FALSE(f.chains.empty());
  const analyze::Chain& c = f.chains[0];
  EXPECT_EQ(c.stuck.pid, 21373);
  ASSERT_GE(c.hops.size(), 2u);
  EXPECT_EQ(c.hops[0].wait.lock_name, "i_rwsem");
  EXPECT_EQ(c.hops[0].holders.at(0).pid, 21372);
  EXPECT_EQ(c.hops[1].wait.kind, model::LockKind::fuse_request);
}

TEST(ToSnapshot, FrozenExt4NoOwner) {
  model::Snapshot s = to_snapshot(
      parse_log_text(slurp(std::string(HANGSCOPE_TESTDATA_DIR) + "/hangs-6.18/frozen-ext4.dmesg")));
  analyze::Findings f = analyze_log(s);
  ASSERT_EQ(f.chains.size(), 3u);
  for (const auto& c : f.chains) {
    ASSERT_EQ(c.hops.size(), 1u);
    EXPECT_EQ(c.hops[0].wait.lock_name, "sb_writers");
    EXPECT_TRUE(c.hops[0].holders.empty());
  }
  bool frozen_note = false;
  for (const auto& n : s.notes) frozen_note |= n.find("frozen") != std::string::npos;
  EXPECT_TRUE(frozen_note);
}

}  // namespace
}  // namespace hangscope::log

namespace hangscope::log {
namespace {

// A sysrq-w dump on a kernel tainted D (no hung-task reports) plus lockdep's held-lock dump:
// the owner comes from the dump, the waiter's own entry is its wait, not a hold.
TEST(ToSnapshot, SysrqDumpWithLockdepHolder) {
  model::Snapshot s = to_snapshot(parse_log_text(
      "[ 50.0] sysrq: Show Blocked State\n"
      "[ 50.0] task:sync            state:D stack:0     pid:700 tgid:700 ppid:1 flags:0x0\n"
      "[ 50.0] Call Trace:\n"
      "[ 50.0]  <TASK>\n"
      "[ 50.0]  __schedule+0x1/0x2\n"
      "[ 50.0]  rwsem_down_read_slowpath+0x1/0x2\n"
      "[ 50.0]  down_read+0x1/0x2\n"
      "[ 50.0]  iterate_supers+0x1/0x2\n"
      "[ 50.0]  ksys_sync+0x1/0x2\n"
      "[ 50.0]  </TASK>\n"
      "[ 50.1] Showing all locks held in the system:\n"
      "[ 50.1] 1 lock held by umount/600:\n"
      "[ 50.1]  #0: ffff888003a1c070 (&type->s_umount_key#31){++++}-{3:3}, at: "
      "deactivate_super+0x1/0x2\n"
      "[ 50.1] 1 lock held by sync/700:\n"
      "[ 50.1]  #0: ffff888003a1c070 (&type->s_umount_key#31){++++}-{3:3}, at: "
      "iterate_supers+0x1/0x2\n"));
  ASSERT_EQ(s.locks.size(), 1u);
  EXPECT_EQ(*s.locks[0].owner_pid, 600);
  EXPECT_NE(s.locks[0].how_found.find("0xffff888003a1c070"), std::string::npos);
  analyze::Findings f = analyze_log(s);
  ASSERT_EQ(f.chains.size(), 1u);
  EXPECT_EQ(f.chains[0].stuck.pid, 700);
  ASSERT_EQ(f.chains[0].hops.size(), 1u);
  EXPECT_EQ(f.chains[0].hops[0].wait.lock_name, "s_umount");
  ASSERT_EQ(f.chains[0].hops[0].holders.size(), 1u);
  EXPECT_EQ(f.chains[0].hops[0].holders[0].pid, 600);
}

}  // namespace
}  // namespace hangscope::log
