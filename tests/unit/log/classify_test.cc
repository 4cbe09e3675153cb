// Report kinds and per-event facts on small hand-written reports.
#include "log/classify.h"

#include <gtest/gtest.h>

#include "log/log_parser.h"

namespace hangscope::log {
namespace {

Event only_event(const std::string& text) {
  LogDigest d = parse_log_text(text);
  EXPECT_EQ(d.events.size(), 1u) << text;
  return d.events.empty() ? Event{} : d.events[0];
}

TEST(Classify, KindsAndTitles) {
  struct Case {
    const char* log;
    EventKind kind;
    const char* title;
  } cases[] = {
      {"[1.0] INFO: task jbd2/sda1-8:123 blocked in I/O wait for more than 120 seconds.\n"
       "[1.0] Call Trace:\n[1.0]  io_schedule+0x1/0x2\n[1.0]  "
       "jbd2_journal_commit_transaction+0x1/0x2\n",
       EventKind::hung_task, "INFO: task hung in jbd2_journal_commit_transaction"},
      {"[1.0] INFO: task syz:5 can't die for more than 143 seconds.\n[1.0] Call Trace:\n"
       "[1.0]  schedule+0x1/0x2\n[1.0]  do_exit+0x1/0x2\n",
       EventKind::task_cant_die, "INFO: task can't die in do_exit"},
      {"[1.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [a:1]\n[1.0] RIP: "
       "0010:spin+0x1/0x2\n"
       "[1.0] Call Trace:\n[1.0]  loop_fn+0x1/0x2\n[1.0]  process_one_work+0x1/0x2\n",
       EventKind::soft_lockup, "BUG: soft lockup in loop_fn"},
      {"[1.0] WARNING: possible circular locking dependency detected\n"
       "[1.0] a/1 is trying to acquire lock:\n"
       "[1.0] ffff (&sb->s_umount){++++}, at: iterate_supers+0x1/0x2\n"
       "[1.0] but task is already holding lock:\n"
       "[1.0] ffff (&mm->mmap_lock){++++}, at: do_mmap+0x1/0x2\n",
       EventKind::lockdep, "possible deadlock in iterate_supers"},
      {"[1.0] general protection fault, probably for non-canonical address 0xdffffc0000000000: "
       "0000 [#1]\n"
       "[1.0] CPU: 0 PID: 77 Comm: a Tainted: G        W         6.1.0 #1\n"
       "[1.0] RIP: 0010:bad_fn+0x1/0x2\n",
       EventKind::gpf, "general protection fault in bad_fn"},
      {"[1.0] kernel BUG at fs/inode.c:611!\n[1.0] RIP: 0010:clear_inode+0x1/0x2\n",
       EventKind::kernel_bug, "kernel BUG in clear_inode"},
      {"[1.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n",
       EventKind::panic, "kernel panic: Attempted to kill init!"},
  };
  for (const Case& c : cases) {
    Event e = only_event(c.log);
    EXPECT_EQ(e.kind, c.kind) << c.title;
    EXPECT_EQ(e.title, c.title);
  }
}

TEST(Classify, GpfFacts) {
  Event e = only_event(
      "[1.0] general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 "
      "[#1]\n"
      "[1.0] CPU: 2 UID: 0 PID: 77 Comm: my prog Tainted: G        W         6.1.0 #1\n"
      "[1.0] RIP: 0010:bad_fn+0x1/0x2 [mymod]\n"
      "[1.0] Modules linked in: mymod(O+) other\n");
  EXPECT_EQ(*e.pid, 77);
  EXPECT_EQ(*e.cpu, 2);
  EXPECT_EQ(e.comm, "my prog");
  EXPECT_EQ(e.taint, "G W");
  EXPECT_EQ(e.release, "6.1.0");
  EXPECT_EQ(*e.fault_addr, 0xdffffc0000000000ull);
  EXPECT_EQ(e.rip.module, "mymod");
  ASSERT_EQ(e.modules.size(), 2u);
  EXPECT_EQ(e.modules[0], "mymod");
}

TEST(Classify, HungTaskFacts) {
  Event e = only_event("[7.5] INFO: task kworker/u8:2:91 blocked for more than 122 seconds.\n");
  EXPECT_EQ(e.comm, "kworker/u8:2");
  EXPECT_EQ(*e.pid, 91);
  EXPECT_EQ(*e.blocked_seconds, 122.0);
  EXPECT_DOUBLE_EQ(e.timestamp, 7.5);
}

TEST(Classify, HardLockupIsHangscopeOwn) {
  Event e = only_event(
      "[5.0] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1\n[5.0] RIP: 0010:spin+0x1/0x2\n"
      "[5.0] Call Trace:\n[5.0]  drv_poll+0x1/0x2\n[5.0]  process_one_work+0x1/0x2\n");
  EXPECT_EQ(e.kind, EventKind::hard_lockup);
  EXPECT_EQ(e.title, "BUG: hard lockup in drv_poll");
}

}  // namespace
}  // namespace hangscope::log
