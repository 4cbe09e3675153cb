#include "analyze/hop.h"

#include <fmt/format.h>

#include "analyze/lock_holders.h"
#include "analyze/objects.h"
#include "kernel/lock_sites.h"

namespace hangscope::analyze {

namespace {

using kernel::LockSite;
using model::LockKind;
using model::LockMode;

bool owns(const model::Lock& l, const model::Task& t) {
  if (l.owner_pid.known() && *l.owner_pid == t.pid) return true;
  return l.owner_task.known() && t.task_addr.known() && *l.owner_task == *t.task_addr;
}

// The FUSE connection a task's request goes to: the fuse super_block whose lock it holds,
// else the only connection there is.
Maybe<std::uint32_t> guess_fuse_conn(const model::Task& t, const SnapshotIndex& idx,
                                     std::string& how) {
  for (const auto& l : idx.snapshot().locks) {
    if (!owns(l, t) || !l.addr.known()) continue;
    const model::SuperBlock* sb = idx.super_block_by_lock(*l.addr);
    if (!sb) {
      if (const auto* inode = idx.inode_by_lock(*l.addr); inode && inode->sb_addr.known())
        sb = idx.super_block_by_addr(*inode->sb_addr);
    }
    if (sb && sb->fs_type.rfind("fuse", 0) == 0 && sb->dev.known()) {
      how = fmt::format("connection of the {} super_block whose lock it holds", sb->fs_type);
      return *sb->dev;
    }
  }
  if (idx.snapshot().fuse_conns.size() == 1) {
    how = "the only FUSE connection on the machine";
    return idx.snapshot().fuse_conns.front().id;
  }
  return Maybe<std::uint32_t>::unknown("no FUSE connection matched");
}

TaskRef ref_for_pid(int pid, const SnapshotIndex& idx, const std::string& comm_hint,
                    const model::Task** out) {
  *out = idx.task_by_pid(pid);
  if (*out) return make_task_ref(**out);
  TaskRef r;
  r.pid = pid;
  r.comm = comm_hint.empty() ? "?" : comm_hint;
  r.state = model::TaskState::unknown;
  return r;
}

// The wait a stack implies by the knowledge table (its innermost wait site), confidence
// "likely"; unknown when no frame is a known wait site.
Maybe<model::Wait> wait_from_stack(const std::vector<model::StackFrame>& stack) {
  const LockSite* site = kernel::find_wait_site(stack);
  if (!site) return Maybe<model::Wait>::unknown("no known wait site on the stack");
  model::Wait w;
  w.kind = site->kind;
  w.mode = site->mode;
  w.lock_name = std::string(site->lock_name);
  w.object_type = site->object;
  w.confidence = model::Confidence::likely;
  w.how_found = fmt::format("knowledge table: {} ({})", site->function, site->source);
  w.wait_function = std::string(site->function);
  return w;
}

// A FUSE request wait without its opcode or connection: the opcode from the stack's frames, the
// connection guessed from the locks the task holds (or the only one there is).
void complete_fuse_wait(model::Wait& w, const model::Task& task, const SnapshotIndex& idx) {
  if (w.fuse_opcode.empty()) w.fuse_opcode = std::string(kernel::fuse_opcode_on(task.stack));
  if (!w.fuse_conn.known()) {
    std::string how;
    w.fuse_conn = guess_fuse_conn(task, idx, how);
    if (w.fuse_conn.known()) w.how_found += "; connection: " + how;
  }
}

// A userfaultfd wait without its context: the only userfaultfd there is, if one.
void complete_uffd_wait(model::Wait& w, const SnapshotIndex& idx) {
  if (w.object_addr.known() || idx.snapshot().userfaultfds.size() != 1) return;
  w.object_addr = idx.snapshot().userfaultfds.front().ctx_addr;
  w.how_found += "; the only userfaultfd on the machine";
}

// The daemons of the request's FUSE connection (the processes holding its /dev/fuse).
void add_fuse_daemons(ResolvedHop& rh, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  if (!hop.wait.fuse_conn.known()) return;
  if (const auto* conn = idx.fuse_conn(*hop.wait.fuse_conn)) {
    for (int pid : conn->daemon_pids) {
      const model::Task* t = nullptr;
      hop.holders.push_back(ref_for_pid(pid, idx, "", &t));
      rh.holder_tasks.push_back(t);
    }
  }
  hop.holder_mode = LockMode::exclusive;
  hop.holder_note = hop.holders.empty() ? "no process holds /dev/fuse for this connection"
                                        : "the FUSE daemon must answer the request";
}

// The processes holding the userfaultfd (not the faulting process itself when another can).
void add_uffd_handlers(ResolvedHop& rh, const model::Task& waiter, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  if (!hop.wait.object_addr.known()) return;
  if (const auto* u = idx.userfaultfd(*hop.wait.object_addr)) {
    for (int pid : u->handler_pids) {
      if (pid == waiter.tgid && u->handler_pids.size() > 1) continue;  // cannot serve itself
      const model::Task* t = nullptr;
      hop.holders.push_back(ref_for_pid(pid, idx, "", &t));
      rh.holder_tasks.push_back(t);
    }
  }
  hop.holder_note = "a process holding the userfaultfd must resolve the fault";
}

// A percpu rw-semaphore wait: frozen when its super_block's s_writers.frozen says so. With no
// super_block known (a kernel log, or no BPF), an sb_writers wait is most likely a freeze: only
// a freeze takes sb_writers for write, and no task owns a freeze.
void judge_freeze(ResolvedHop& rh, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  if (hop.object.type == model::ObjectType::super_block && hop.wait.object_addr.known()) {
    const auto* sb = idx.super_block_by_addr(*hop.wait.object_addr);
    if (sb && sb->frozen.value_or(0) != 0) {
      rh.frozen = true;
      hop.holder_mode = LockMode::write;
      hop.holder_note = fmt::format(
          "filesystem frozen (s_writers.frozen={}): no task owns a freeze", *sb->frozen);
    }
    return;
  }
  if (hop.wait.lock_name == "sb_writers") {
    rh.frozen = true;
    rh.frozen_likely = true;
    hop.holder_mode = LockMode::write;
    hop.holder_note = "no task owns sb_writers: the filesystem is most likely frozen (fsfreeze)";
  }
}

}  // namespace

Maybe<model::Wait> resolve_wait(const model::Task& task, const SnapshotIndex& idx) {
  Maybe<model::Wait> found = task.wait.known() ? task.wait : wait_from_stack(task.stack);
  if (!found.known()) return found;
  model::Wait w = *found;
  if (w.kind == LockKind::fuse_request) complete_fuse_wait(w, task, idx);
  if (w.kind == LockKind::userfaultfd) complete_uffd_wait(w, idx);
  return w;
}

ResolvedHop resolve_hop(const model::Task& waiter, model::Wait wait, const SnapshotIndex& idx) {
  ResolvedHop rh;
  rh.hop.waiter = make_task_ref(waiter);
  rh.hop.object = resolve_object(wait, waiter, idx);
  rh.hop.wait = wait;
  switch (wait.kind) {
    case LockKind::fuse_request:
      add_fuse_daemons(rh, idx);
      break;
    case LockKind::userfaultfd:
      add_uffd_handlers(rh, waiter, idx);
      break;
    case LockKind::percpu_rwsem:
      judge_freeze(rh, idx);
      break;
    case LockKind::mutex:
    case LockKind::rwsem:
    case LockKind::semaphore:
      add_lock_holders(rh, waiter, idx);
      break;
    default:
      break;
  }
  return rh;
}

}  // namespace hangscope::analyze
