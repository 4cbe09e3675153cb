#include "analyze/hop.h"

#include <fmt/format.h>

#include <cstdlib>

#include "analyze/objects.h"
#include "kernel/lock_sites.h"

namespace hangscope::analyze {

namespace {

using kernel::find_held_sites;
using kernel::find_wait_site;
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

// A dead owner named by the kernel log: the task that died in an Oops (its comm matching the
// owner's when known; else the only such task). Fills pid/comm/death of `r` from it.
TaskRef with_oops(TaskRef r, const SnapshotIndex& idx) {
  const model::Task* victim = nullptr;
  int n = 0;
  for (const auto& t : idx.snapshot().tasks) {
    if (t.state != model::TaskState::dead || t.death.empty()) continue;
    if (!r.comm.empty() && r.comm != "?" && t.comm == r.comm) {
      victim = &t;
      n = 1;
      break;
    }
    victim = &t;
    ++n;
  }
  if (n != 1 || (r.pid != 0 && victim->pid != r.pid && r.comm == victim->comm)) return r;
  r.pid = victim->pid;
  r.comm = victim->comm;
  r.death = victim->death + " (kernel log)";
  return r;
}

// The kernel has killed a task since boot: taint D (TAINT_DIE, bit 7, as /proc/sys/kernel/tainted
// "0x..." or the log's letters "G      D") or an Oopsed task in the snapshot.
bool kernel_killed_a_task(const model::Snapshot& snap) {
  if (snap.kernel.taint.known()) {
    const std::string& t = *snap.kernel.taint;
    if (t.rfind("0x", 0) == 0) {
      if (std::strtoull(t.c_str(), nullptr, 16) & 0x80) return true;
    } else if (t.find('D') != std::string::npos) {
      return true;
    }
  }
  for (const auto& t : snap.tasks) {
    if (t.state == model::TaskState::dead && !t.death.empty()) return true;
  }
  return false;
}

// The lock's owner pointer names the waiter itself, but no frame on the waiter's stack takes a
// lock of that name, and the kernel has killed a task: the owner died holding it and the waiter
// was forked into its freed task_struct (a real recursive self-deadlock shows the frame that
// took the lock).
bool owner_pointer_reused_by_waiter(const model::Task& owner, const model::Task& waiter,
                                    const model::Wait& w, const SnapshotIndex& idx) {
  if (owner.pid != waiter.pid || w.lock_name.empty()) return false;
  for (const LockSite* site : find_held_sites(waiter.stack)) {
    if (site->lock_name == w.lock_name) return false;
  }
  return kernel_killed_a_task(idx.snapshot());
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

bool add_held_site_holders(ResolvedHop& rh, const model::Task& waiter, const SnapshotIndex& idx);

void add_lock_holders(ResolvedHop& rh, const model::Task& waiter, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  const model::Wait& w = hop.wait;
  const model::Lock* lock =
      w.lock_addr.known() ? idx.lock_by_addr(*w.lock_addr) : idx.lock_by_name(w.lock_name);
  if (lock) {
    hop.holder_mode = lock->owner_mode;
    const model::Task* owner = nullptr;
    if (lock->owner_task.known() && *lock->owner_task != 0) {
      // Live collection: the owner pointer decides; owner_pid is what was read there.
      owner = lock->owner_stale ? nullptr : idx.task_by_addr(*lock->owner_task);
      bool reused_by_waiter = owner && owner_pointer_reused_by_waiter(*owner, waiter, w, idx);
      if (reused_by_waiter) owner = nullptr;
      if (owner && owner->state == model::TaskState::zombie) {
        hop.holders.push_back(with_oops(make_task_ref(*owner), idx));
        rh.holder_tasks.push_back(nullptr);
      } else if (owner) {
        hop.holders.push_back(make_task_ref(*owner));
        rh.holder_tasks.push_back(owner);
      } else if (!lock->reader_owned) {
        TaskRef r;
        r.pid = reused_by_waiter ? 0 : lock->owner_pid.value_or(0);
        r.comm = lock->owner_comm.empty() || reused_by_waiter ? "?" : lock->owner_comm;
        r.alive = false;
        r.state = model::TaskState::dead;
        r.death =
            reused_by_waiter
                ? fmt::format(
                      "the owner exited holding the lock; its task_struct now belongs to the "
                      "waiter {} (pid {}), which takes no {} on its stack",
                      waiter.comm, waiter.pid, w.lock_name)
            : lock->owner_stale
                ? "the owner exited holding the lock (its task_struct now belongs to a newer task)"
                : fmt::format(
                      "no live task at owner address {:#x}; last known pid/comm may be stale",
                      *lock->owner_task);
        hop.holders.push_back(with_oops(r, idx));
        rh.holder_tasks.push_back(nullptr);
      }
    } else if (lock->owner_pid.known()) {
      // Logs: the owner is named by pid.
      owner = idx.task_by_pid(*lock->owner_pid);
      TaskRef r = owner ? make_task_ref(*owner) : TaskRef{};
      if (!owner) {
        r.pid = *lock->owner_pid;
        r.comm = lock->owner_comm;
        r.alive = false;
        r.state = model::TaskState::dead;
      }
      hop.holders.push_back(r);
      rh.holder_tasks.push_back(owner && owner->state != model::TaskState::dead ? owner : nullptr);
    }
    if (lock->reader_owned) {
      hop.holder_mode = LockMode::read;
      hop.holder_note = fmt::format(
          "reader-owned: last reader {}, may be stale (readers are not tracked)",
          owner ? fmt::format("{} (pid {})", owner->comm, owner->pid) : std::string("unknown"));
    }
    if (!lock->how_found.empty() && hop.holder_note.empty() &&
        lock->confidence != model::Confidence::certain)
      hop.holder_note = "owner from " + lock->how_found;
    if (!hop.holders.empty()) return;
  }
  // No owner recorded: tasks whose stacks hold a lock of that name (knowledge table).
  if (w.lock_name.empty()) return;
  if (add_held_site_holders(rh, waiter, idx)) return;
  // Still nobody: a task that died in an Oops is the likely owner (a task killed while holding
  // a lock leaks it, and the kernel's hung-task detector stays silent after an Oops).
  for (const auto& t : idx.snapshot().tasks) {
    if (t.state != model::TaskState::dead || t.death.empty() || t.pid == waiter.pid) continue;
    hop.holders.push_back(make_task_ref(t));
    rh.holder_tasks.push_back(nullptr);
    hop.holder_mode = LockMode::write;
    hop.holder_note = fmt::format(
        "likely owner: {} (pid {}) died in an Oops while {} was taken; "
        "no other task is known to hold it",
        t.comm, t.pid, w.lock_name);
    return;
  }
}

// The filesystem a stack works in, from the prefix of its first filesystem-specific frame
// ("fuse_file_write_iter" -> "fuse"); empty when no frame names one (generic_* code only).
std::string_view filesystem_of(const std::vector<model::StackFrame>& stack) {
  static constexpr std::string_view kPrefixes[] = {
      "fuse_", "ext4_", "xfs_",  "btrfs_", "shmem_", "nfs_", "nfs4_", "f2fs_", "ovl_",
      "ceph_", "cifs_", "smb2_", "gfs2_",  "ocfs2_", "jfs_", "vfat_", "fat_",  "hugetlbfs_"};
  for (const auto& f : stack) {
    for (std::string_view p : kPrefixes) {
      if (std::string_view(f.symbol).substr(0, p.size()) == p) return p.substr(0, p.size() - 1);
    }
  }
  return {};
}

// Tasks (other than the waiter) whose stacks hold a lock named like the wait's: first those
// working in the waiter's filesystem, then those whose stacks name none; never one in another
// filesystem (an i_rwsem held in ext4 is not the one a FUSE writer waits for). True if found.
bool add_held_site_holders(ResolvedHop& rh, const model::Task& waiter, const SnapshotIndex& idx) {
  Hop& hop = rh.hop;
  const model::Wait& w = hop.wait;
  std::string_view waiter_fs = filesystem_of(waiter.stack);
  for (bool same_fs_only : {true, false}) {
    if (same_fs_only && waiter_fs.empty()) continue;
    for (const auto& t : idx.snapshot().tasks) {
      if (t.pid == waiter.pid) continue;
      std::string_view holder_fs = filesystem_of(t.stack);
      if (same_fs_only ? holder_fs != waiter_fs
                       : !waiter_fs.empty() && !holder_fs.empty() && holder_fs != waiter_fs)
        continue;
      for (const LockSite* site : find_held_sites(t.stack)) {
        if (site->lock_name != w.lock_name || site->kind != w.kind) continue;
        hop.holders.push_back(make_task_ref(t));
        rh.holder_tasks.push_back(t.state == model::TaskState::dead ? nullptr : &t);
        hop.holder_mode = site->mode;
        hop.holder_note = fmt::format("owner inferred from its stack: {} holds {} ({})",
                                      site->function, site->lock_name, site->source);
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Maybe<model::Wait> resolve_wait(const model::Task& task, const SnapshotIndex& idx) {
  model::Wait w;
  if (task.wait.known()) {
    w = *task.wait;
  } else {
    const LockSite* site = find_wait_site(task.stack);
    if (!site) return Maybe<model::Wait>::unknown("no known wait site on the stack");
    w.kind = site->kind;
    w.mode = site->mode;
    w.lock_name = std::string(site->lock_name);
    w.object_type = site->object;
    w.confidence = model::Confidence::likely;
    w.how_found = fmt::format("knowledge table: {} ({})", site->function, site->source);
    w.wait_function = std::string(site->function);
  }
  if (w.kind == LockKind::fuse_request) {
    if (w.fuse_opcode.empty()) {
      for (const auto& f : task.stack) {
        for (const auto& s : kernel::lock_sites()) {
          if (s.kind == LockKind::fuse_request && !s.detail.empty() && s.function == f.symbol) {
            w.fuse_opcode = std::string(s.detail);
            break;
          }
        }
        if (!w.fuse_opcode.empty()) break;
      }
    }
    if (!w.fuse_conn.known()) {
      std::string how;
      w.fuse_conn = guess_fuse_conn(task, idx, how);
      if (w.fuse_conn.known()) w.how_found += "; connection: " + how;
    }
  }
  if (w.kind == LockKind::userfaultfd && !w.object_addr.known() &&
      idx.snapshot().userfaultfds.size() == 1) {
    w.object_addr = idx.snapshot().userfaultfds.front().ctx_addr;
    w.how_found += "; the only userfaultfd on the machine";
  }
  return w;
}

ResolvedHop resolve_hop(const model::Task& waiter, model::Wait wait, const SnapshotIndex& idx) {
  ResolvedHop rh;
  Hop& hop = rh.hop;
  hop.waiter = make_task_ref(waiter);
  hop.object = resolve_object(wait, waiter, idx);
  hop.wait = wait;
  switch (wait.kind) {
    case LockKind::fuse_request: {
      if (!wait.fuse_conn.known()) break;
      if (const auto* conn = idx.fuse_conn(*wait.fuse_conn)) {
        for (int pid : conn->daemon_pids) {
          const model::Task* t = nullptr;
          hop.holders.push_back(ref_for_pid(pid, idx, "", &t));
          rh.holder_tasks.push_back(t);
        }
      }
      hop.holder_mode = LockMode::exclusive;
      hop.holder_note = hop.holders.empty() ? "no process holds /dev/fuse for this connection"
                                            : "the FUSE daemon must answer the request";
      break;
    }
    case LockKind::userfaultfd: {
      if (!wait.object_addr.known()) break;
      if (const auto* u = idx.userfaultfd(*wait.object_addr)) {
        for (int pid : u->handler_pids) {
          if (pid == waiter.tgid && u->handler_pids.size() > 1) continue;  // cannot serve itself
          const model::Task* t = nullptr;
          hop.holders.push_back(ref_for_pid(pid, idx, "", &t));
          rh.holder_tasks.push_back(t);
        }
      }
      hop.holder_note = "a process holding the userfaultfd must resolve the fault";
      break;
    }
    case LockKind::percpu_rwsem: {
      if (hop.object.type != model::ObjectType::super_block || !wait.object_addr.known()) {
        // No super_block known (a kernel log, or no BPF): sb_writers is taken for write only
        // by a freeze, and no task owns a freeze: most likely a frozen filesystem.
        if (wait.lock_name == "sb_writers") {
          rh.frozen = true;
          rh.frozen_likely = true;
          hop.holder_mode = LockMode::write;
          hop.holder_note =
              "no task owns sb_writers: the filesystem is most likely frozen (fsfreeze)";
        }
        break;
      }
      const auto* sb = idx.super_block_by_addr(*wait.object_addr);
      if (sb && sb->frozen.value_or(0) != 0) {
        rh.frozen = true;
        hop.holder_mode = LockMode::write;
        hop.holder_note = fmt::format(
            "filesystem frozen (s_writers.frozen={}): no task owns a freeze", *sb->frozen);
      }
      break;
    }
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
