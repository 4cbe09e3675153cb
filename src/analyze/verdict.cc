#include "analyze/verdict.h"

#include <fmt/format.h>

#include "kernel/user_sleep.h"

namespace hangscope::analyze {

namespace {

using model::LockKind;
using model::TaskState;

std::string fuse_abort_hint(const Hop& hop) {
  for (const auto& [k, v] : hop.object.fields) {
    if (k == "abort" && !v.empty()) return fmt::format("echo 1 > {}", v);
  }
  return "";
}

std::string mount_of(const Hop& hop) {
  for (const auto& [k, v] : hop.object.fields) {
    if (k == "mount_points" && !v.empty()) return v.substr(0, v.find(','));
  }
  return "";
}

std::string who(const TaskRef& t) { return fmt::format("{} (pid {})", t.comm, t.pid); }

}  // namespace

RootCause decide_root_cause(const ResolvedHop& last, const model::Task* end,
                            const SnapshotIndex& idx) {
  (void)idx;
  const Hop& hop = last.hop;
  RootCause rc;
  if (last.frozen) {
    std::string mnt = mount_of(hop);
    rc.kind = RootKind::frozen_fs;
    if (last.frozen_likely) {
      rc.summary =
          "a filesystem is most likely frozen (fsfreeze): writers wait on sb_writers, which no "
          "task owns";
      rc.remedy =
          "find the frozen mount (the writers' files or cwd) and thaw it: fsfreeze -u MOUNTPOINT";
      return rc;
    }
    rc.summary =
        fmt::format("the filesystem {} is frozen (fsfreeze); writers wait until it is thawed",
                    mnt.empty() ? hop.object.summary : mnt);
    rc.remedy =
        mnt.empty() ? "thaw it: fsfreeze -u MOUNTPOINT" : fmt::format("fsfreeze -u {}", mnt);
    return rc;
  }
  // A dead holder: the lock was leaked.
  for (const auto& h : hop.holders) {
    if (h.alive) continue;
    rc.kind = RootKind::dead_owner;
    if (h.pid) rc.pid = h.pid;
    rc.summary =
        fmt::format("{} died holding {} for {}: the lock is leaked{}", h.pid ? who(h) : h.comm,
                    hop.wait.lock_name.empty() ? "the lock" : hop.wait.lock_name,
                    hop.holder_mode == model::LockMode::read ? "read" : "write",
                    h.death.empty() ? "" : fmt::format(" ({})", h.death));
    rc.remedy =
        "reboot: a lock leaked by a dead task is never released; every later user of it hangs";
    return rc;
  }
  if (hop.holders.empty() || !end) {
    rc.kind = RootKind::no_owner;
    rc.summary =
        hop.holder_note.empty()
            ? fmt::format("no owner found for {}",
                          hop.object.summary.empty() ? hop.wait.lock_name : hop.object.summary)
            : hop.holder_note;
    if (hop.wait.kind == LockKind::fuse_request && !hop.wait.fuse_conn.known()) {
      rc.summary = "the task waits for a FUSE daemon's answer; which daemon is not known here";
      rc.remedy =
          "find the daemon (processes holding /dev/fuse: hangscope scan on the live machine), "
          "resume or fix it, or abort its connection: echo 1 > /sys/fs/fuse/connections/ID/abort";
    } else if (hop.wait.kind == LockKind::fuse_request) {
      rc.summary = "the FUSE request has no daemon to answer it";
      rc.remedy = fuse_abort_hint(hop).empty() ? "abort the FUSE connection" : fuse_abort_hint(hop);
    } else {
      rc.remedy = "inspect the stacks of the waiters (hangscope scan --json) and the kernel log";
    }
    return rc;
  }
  TaskRef e = make_task_ref(*end);
  rc.pid = e.pid;
  bool fuse = hop.wait.kind == LockKind::fuse_request;
  bool uffd = hop.wait.kind == LockKind::userfaultfd;
  if (end->state == TaskState::stopped || end->state == TaskState::traced) {
    rc.kind = RootKind::stopped_task;
    std::string role = fuse   ? "the FUSE daemon "
                       : uffd ? "the userfaultfd handler "
                              : "the lock holder ";
    rc.summary = fmt::format(
        "{}{} is {}", role, who(e),
        end->state == TaskState::traced ? "stopped by a tracer (ptrace)" : "stopped (SIGSTOP)");
    rc.remedy = end->state == TaskState::traced ? fmt::format("detach the tracer of pid {}", e.pid)
                                                : fmt::format("kill -CONT {}", e.pid);
    if (fuse && !fuse_abort_hint(hop).empty())
      rc.remedy += ", or abort the connection: " + fuse_abort_hint(hop);
    return rc;
  }
  if (fuse) {
    rc.kind = RootKind::fuse_daemon;
    rc.summary = fmt::format("the FUSE daemon {} does not answer the {} request", who(e),
                             hop.wait.fuse_opcode.empty() ? "pending" : hop.wait.fuse_opcode);
    rc.remedy =
        fuse_abort_hint(hop).empty()
            ? fmt::format("check pid {}; abort the connection", e.pid)
            : fmt::format("check pid {}, or abort the connection: {}", e.pid, fuse_abort_hint(hop));
    return rc;
  }
  if (uffd) {
    rc.kind = RootKind::uffd_handler;
    rc.summary = fmt::format("the userfaultfd handler {} does not resolve the fault", who(e));
    rc.remedy = fmt::format(
        "check pid {}; killing it (closing the userfaultfd) releases the faulting task", e.pid);
    return rc;
  }
  if (end->state == TaskState::running) {
    rc.kind = RootKind::running_owner;
    rc.summary = fmt::format("the owner {} is running: contention, not a deadlock", who(e));
    rc.remedy = fmt::format("watch pid {} (hangscope watch); it should release the lock", e.pid);
    return rc;
  }
  // A mutex or write-held rwsem whose owner sleeps in nanosleep/poll/wait4...: no code on its
  // stack holds the lock, so an earlier system call returned to user space holding it.
  std::string_view user_sleep = kernel::user_space_sleep(end->stack);
  bool owner_exact =
      hop.wait.kind == LockKind::mutex ||
      (hop.wait.kind == LockKind::rwsem && hop.holder_mode == model::LockMode::write);
  if (owner_exact && !user_sleep.empty()) {
    rc.kind = RootKind::leaked_to_user;
    rc.summary = fmt::format(
        "the owner {} sleeps for user space (in {}), outside any code that takes {}: an earlier "
        "system call returned to user space holding it (a kernel bug; lockdep would say \"lock "
        "held "
        "when returning to user space\")",
        who(e), user_sleep, hop.wait.lock_name.empty() ? "the lock" : hop.wait.lock_name);
    rc.remedy = fmt::format(
        "nothing in pid {} will release it, and killing it does not either (a {} is not dropped "
        "when its owner exits): reboot; find the driver or module whose call pid {} made before "
        "(kernel log: hangscope log --kernel)",
        e.pid, hop.wait.kind == LockKind::mutex ? "mutex" : "rw-semaphore", e.pid);
    return rc;
  }
  rc.kind = RootKind::blocked_owner;
  rc.summary = fmt::format("the owner {} is blocked ({}) on something hangscope cannot name",
                           who(e), state_letter(end->state));
  rc.remedy =
      fmt::format("cat /proc/{}/stack; check the kernel log (hangscope log --kernel)", e.pid);
  return rc;
}

RootCause deadlock_root_cause(const std::vector<TaskRef>& members) {
  RootCause rc;
  rc.kind = RootKind::deadlock;
  std::string names;
  for (const auto& m : members) names += (names.empty() ? "" : " -> ") + who(m);
  rc.summary = "deadlock: " + names + " wait for each other";
  rc.remedy =
      "a kernel deadlock cannot be broken from user space: reboot, and report the cycle (with "
      "stacks)";
  if (!members.empty()) rc.pid = members.front().pid;
  return rc;
}

}  // namespace hangscope::analyze
