// What the log parser extracts: crash-report events, task stack dumps (hung-task reports,
// sysrq-w), lockdep held-lock dumps and hung-task blocker lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/maybe.h"
#include "model/snapshot.h"

namespace hangscope::log {

/// The kind of a crash report.
enum class EventKind {
  oops,        // BUG: unable to handle kernel NULL pointer dereference / paging request
  gpf,         // general protection fault
  kernel_bug,  // kernel BUG at file:line
  warning,     // WARNING: ... (WARN_ON)
  kasan,
  kmsan,
  kfence,
  kcsan,
  ubsan,
  memory_leak,
  hung_task,      // INFO: task X blocked for more than N seconds
  task_cant_die,  // INFO: task X can't die for more than N seconds
  soft_lockup,
  hard_lockup,
  rcu_stall,
  lockdep,  // possible deadlock, inconsistent lock state, ...
  panic,    // Kernel panic - not syncing
  other,
};

/// "oops", "hung_task", ... (stable names used in JSON and the model's LogEvent.kind).
std::string_view to_string(EventKind k);

/// One crash report.
struct Event {
  EventKind kind = EventKind::other;
  std::string title;         // syzkaller-compatible title
  std::string guilty_frame;  // the frame the title names ("" when none)
  bool corrupted = false;    // the report lacks parts its format needs
  std::string header;        // the first line of the report (prefix stripped)
  std::string comm;          // raw bytes; escape before printing
  Maybe<int> pid;
  Maybe<int> cpu;
  std::string release;                        // "5.3.0-51-generic" ("" when not printed)
  std::string taint;                          // "G O" / "G D W"; "" when "Not tainted" or unknown
  bool tainted_known = false;                 // a "Tainted:" or "Not tainted" line was seen
  Maybe<std::uint64_t> fault_addr;            // the faulting address (CR2, "address: ...")
  model::StackFrame rip;                      // kernel RIP (symbol empty when unknown)
  std::vector<std::string> modules;           // "Modules linked in:" names, flags removed
  std::vector<model::StackFrame> call_trace;  // innermost first; "? " frames unreliable
  Maybe<double> blocked_seconds;              // hung task: "blocked for more than N seconds"
  double timestamp = -1;                      // seconds since boot; -1 when absent
  std::uint64_t line_no = 0;                  // 1-based line of the header in the input
};

/// A task's state line plus its stack, from a hung-task report, a blocker line's owner dump
/// or a sysrq-w ("show blocked state") dump.
struct TaskDump {
  std::string comm;
  int pid = 0;
  Maybe<int> tgid;
  Maybe<int> ppid;
  char state = '?';                      // /proc letter: D, S, R, T, ...
  std::vector<model::StackFrame> stack;  // innermost first
  double timestamp = -1;
  std::string source;  // "hung_task", "sysrq-w", "task dump"
  bool operator==(const TaskDump&) const = default;
};

/// One "#N: ADDR (name){usage}, at: func+off" entry of a lockdep held-lock dump.
struct HeldLock {
  int index = 0;
  Maybe<std::uint64_t> addr;  // lock address (absent in old kernels' dumps)
  std::string class_name;     // "&type->s_umount_key#31"
  std::string lock_name;      // "s_umount" (normalised from class_name)
  std::string usage;          // "{++++}-{3:3}"
  std::string at_function;    // where it was taken: "iterate_supers"
  bool operator==(const HeldLock&) const = default;
};

/// "N locks held by comm/pid:" and its entries.
struct HeldLockDump {
  std::string comm;
  int pid = 0;
  std::vector<HeldLock> locks;
  double timestamp = -1;
  bool operator==(const HeldLockDump&) const = default;
};

/// A 6.15+ hung-task blocker line: "INFO: task W:1 <reader> blocked on an rw-semaphore likely
/// owned by task O:2 <writer>", "... is blocked on a mutex likely owned by task O:2.",
/// "... blocked on a semaphore likely last held by task O:2", "..., but the owner is not found."
struct BlockerLine {
  std::string waiter_comm;
  int waiter_pid = 0;
  model::LockKind kind = model::LockKind::unknown;  // mutex, semaphore or rwsem
  model::LockMode waiter_mode = model::LockMode::unknown;
  bool owner_found = false;
  std::string owner_comm;
  int owner_pid = 0;
  model::LockMode owner_mode = model::LockMode::unknown;
  double timestamp = -1;
  bool operator==(const BlockerLine&) const = default;
};

}  // namespace hangscope::log
