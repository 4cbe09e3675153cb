// The parser end to end on the shared logs: events, task dumps and blocker lines.
#include "log/log_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace hangscope::log {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kShared = HANGSCOPE_TESTDATA_DIR;
const std::string kData = HANGSCOPE_TESTDATA_DIR;

const TaskDump* find_task(const LogDigest& d, int pid) {
  for (const auto& t : d.tasks)
    if (t.pid == pid) return &t;
  return nullptr;
}

TEST(LogParser, SeedOopsFields) {
  LogDigest d = parse_log_text(slurp(kShared + "/seed-case/sync-hang.dmesg"));
  ASSERT_EQ(d.events.size(), 1u);
  const Event& e = d.events[0];
  EXPECT_EQ(e.kind, EventKind::oops);
  EXPECT_EQ(e.title, "BUG: unable to handle kernel NULL pointer dereference in nfsd_fill_super");
  EXPECT_EQ(e.guilty_frame, "nfsd_fill_super");
  EXPECT_EQ(e.comm, "modprobe");
  EXPECT_EQ(*e.pid, 9151);
  EXPECT_EQ(*e.cpu, 3);
  EXPECT_EQ(e.release, "5.3.0-51-generic");
  EXPECT_EQ(e.taint, "G O");
  EXPECT_EQ(*e.fault_addr, 0x58u);
  EXPECT_EQ(e.rip.symbol, "nfsd_fill_super");
  EXPECT_EQ(e.rip.module, "nfsd");
  EXPECT_EQ(e.rip.offset, 0x71u);
  ASSERT_GE(e.call_trace.size(), 3u);
  EXPECT_EQ(e.call_trace[0].symbol, "vfs_get_super");
  EXPECT_FALSE(e.call_trace[1].reliable);  // "? vfs_parse_fs_param"
  EXPECT_EQ(e.call_trace[2].module, "nfsd");
  EXPECT_EQ(e.modules.front(), "nfsd");
  EXPECT_NEAR(e.timestamp, 304.086228, 1e-6);
  // The 5.3-era sysrq-w dump of sync.
  const TaskDump* sync = find_task(d, 10127);
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->comm, "sync");
  EXPECT_EQ(sync->state, 'D');
  EXPECT_EQ(sync->source, "sysrq-w");
  ASSERT_FALSE(sync->stack.empty());
  EXPECT_EQ(sync->stack.front().symbol, "__schedule");
}

TEST(LogParser, SameFactsInEveryPrefixFormat) {
  for (const char* name : {"seed-journal-short-precise.log", "seed-kern.log", "seed-dmesg-T.log",
                           "seed-crlf.log", "seed-caller-id.log"}) {
    SCOPED_TRACE(name);
    LogDigest d = parse_log_text(slurp(kData + "/log/" + name));
    ASSERT_EQ(d.events.size(), 1u);
    EXPECT_EQ(d.events[0].title,
              "BUG: unable to handle kernel NULL pointer dereference in nfsd_fill_super");
    EXPECT_EQ(*d.events[0].pid, 9151);
    const TaskDump* sync = find_task(d, 10127);
    ASSERT_NE(sync, nullptr);
    EXPECT_EQ(sync->state, 'D');
  }
}

TEST(LogParser, BlockerLinesAndOwnerDumps) {
  LogDigest d = parse_log_text(slurp(kShared + "/hangs-6.18/fuseblk-umount-sync.dmesg"));
  ASSERT_FALSE(d.blockers.empty());
  const BlockerLine& b = d.blockers.front();
  EXPECT_EQ(b.waiter_pid, 20237);
  EXPECT_EQ(b.owner_pid, 20232);
  const TaskDump* umount = find_task(d, 20232);
  ASSERT_NE(umount, nullptr);
  EXPECT_EQ(umount->comm, "umount");
  bool has_wait_answer = false;
  for (const auto& f : umount->stack) has_wait_answer |= f.symbol == "request_wait_answer";
  EXPECT_TRUE(has_wait_answer);
  EXPECT_EQ(d.events.front().title, "INFO: task hung in __iterate_supers");
  EXPECT_EQ(d.release, "6.18.44-fc-v657");
  EXPECT_TRUE(d.taint_known);
  EXPECT_TRUE(d.taint.empty());
}

TEST(LogParser, HeldLockDumps) {
  LogDigest d = parse_log_text(
      "[  10.0] INFO: task sync:7 blocked for more than 120 seconds.\n"
      "[  10.0] task:sync state:D stack:0 pid:7 tgid:7 ppid:1 flags:0x0\n"
      "[  10.0] Call Trace:\n"
      "[  10.0]  down_read+0x1/0x2\n"
      "[  10.0]  iterate_supers+0x1/0x2\n"
      "[  10.1] Showing all locks held in the system:\n"
      "[  10.1] 1 lock held by umount/5:\n"
      "[  10.1]  #0: ffff888003a1c070 (&type->s_umount_key#31){++++}-{3:3}, at: "
      "deactivate_super+0x1/0x2\n"
      "[  10.1] 1 lock held by sync/7:\n"
      "[  10.1]  #0: ffff888003a1c070 (&type->s_umount_key#31){++++}-{3:3}, at: "
      "iterate_supers+0x1/0x2\n");
  ASSERT_EQ(d.held_locks.size(), 2u);
  EXPECT_EQ(d.held_locks[0].pid, 5);
  EXPECT_EQ(d.held_locks[0].locks.at(0).lock_name, "s_umount");
  EXPECT_EQ(d.held_locks[1].locks.at(0).at_function, "iterate_supers");
}

TEST(LogParser, GarbageTruncatedAndEmptyInputs) {
  EXPECT_TRUE(parse_log_text("").events.empty());
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage += static_cast<char>((i * 7919) % 256);
  LogDigest g = parse_log_text(garbage);
  EXPECT_GT(g.lines, 0u);
  // A report cut right after its header still gives an event, titled from its header.
  LogDigest t = parse_log_text(
      "[ 1.0] BUG: unable to handle kernel NULL pointer dereference at 0000000000000058");
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_TRUE(t.events[0].corrupted);
  EXPECT_EQ(t.events[0].title,
            "BUG: unable to handle kernel NULL pointer dereference in corrupted");
  // A 10 MB line inside a report.
  std::string big = "[ 1.0] general protection fault: 0000 [#1] SMP\n[ 1.0] " +
                    std::string(10 << 20, 'x') + "\n[ 1.0] RIP: 0010:foo+0x1/0x2\n";
  LogDigest b = parse_log_text(big);
  ASSERT_EQ(b.events.size(), 1u);
  EXPECT_EQ(b.events[0].title, "general protection fault in foo");
}

TEST(LogParser, TitlesInOrderAndNoneForCleanLogs) {
  EXPECT_TRUE(
      titles_of(
          "[ 1.0] all good\n[ 2.0] WARNING: /etc/ssh/moduli does not exist, using fixed modulus\n")
          .empty());
  auto titles = titles_of(
      "[ 1.0] WARNING: CPU: 0 PID: 1 at fs/super.c:10 foo+0x1/0x2\n"
      "[ 1.0] Call Trace:\n[ 1.0]  bar+0x1/0x2\n"
      "[ 2.0] kernel BUG at mm/slub.c:100!\n[ 2.0] RIP: 0010:baz+0x1/0x2\n");
  ASSERT_EQ(titles.size(), 2u);
  EXPECT_EQ(titles[0], "WARNING in bar");
  EXPECT_EQ(titles[1], "kernel BUG in baz");
}

}  // namespace
}  // namespace hangscope::log

namespace hangscope::log {
namespace {

TEST(LogParser, OldSysrqFormatsWithHexPc) {
  LogDigest d = parse_log_text(
      "[ 9.0] SysRq : Show Blocked State\n"
      "[ 9.0]   task                        PC stack   pid father\n"
      "[ 9.0] sync            D ffff88003b6b7d68     0 10127  10126 0x00000000\n"
      "[ 9.0]  ffff88003b6b7d68 0000000000000086 ffff88003e1c8000 0000000000013fc0\n"
      "[ 9.0] Call Trace:\n"
      "[ 9.0]  [<ffffffff8162a5a9>] schedule+0x29/0x70\n"
      "[ 9.0]  [<ffffffff8162bf05>] rwsem_down_read_failed+0xf5/0x165\n"
      "[ 9.0]  [<ffffffff811fa1a4>] iterate_supers+0xa4/0x110\n"
      "[ 9.1] syz-executor0   D23128  4123   4104 0x00000004\n"
      "[ 9.1] Call Trace:\n"
      "[ 9.1]  __schedule+0x1/0x2\n");
  ASSERT_EQ(d.tasks.size(), 2u);
  EXPECT_EQ(d.tasks[0].pid, 10127);
  EXPECT_EQ(d.tasks[0].comm, "sync");
  ASSERT_EQ(d.tasks[0].stack.size(), 3u);
  EXPECT_EQ(d.tasks[0].stack[2].symbol, "iterate_supers");
  EXPECT_EQ(d.tasks[0].stack[2].addr, 0xffffffff811fa1a4ull);
  EXPECT_EQ(d.tasks[1].pid, 4123);
  EXPECT_EQ(d.tasks[1].comm, "syz-executor0");
}

}  // namespace
}  // namespace hangscope::log

namespace hangscope::log {
namespace {

TEST(LogParser, InterleavedConsolesAndCallerIds) {
  // Serial noise without a kernel prefix does not break a timestamped report.
  auto t1 = titles_of(
      "[ 1.0] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
      "2026/11/25 15:00:00 executing program 3:\n"
      "[ 1.0] RIP: 0010:victim_fn+0x1/0x2\n");
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_EQ(t1[0], "BUG: unable to handle kernel NULL pointer dereference in victim_fn");
  // Two tasks print at once: each report keeps its own lines.
  auto t2 = titles_of(
      "[ 2.0][ T100] WARNING: CPU: 0 PID: 100 at fs/a.c:1 a_fn+0x1/0x2\n"
      "[ 2.0][ T200] kernel BUG at fs/b.c:2!\n"
      "[ 2.0][ T100] RIP: 0010:a_fn+0x1/0x2\n"
      "[ 2.0][ T200] RIP: 0010:b_fn+0x1/0x2\n"
      "[ 2.0][ T100]  a_caller+0x1/0x2\n");
  ASSERT_EQ(t2.size(), 2u);
  EXPECT_EQ(t2[0], "WARNING in a_fn");
  EXPECT_EQ(t2[1], "kernel BUG in b_fn");
}

}  // namespace
}  // namespace hangscope::log
