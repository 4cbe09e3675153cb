#include "analyze/task_index.h"

#include "kernel/wait_kind.h"

namespace hangscope::analyze {

SnapshotIndex::SnapshotIndex(const model::Snapshot& snap) : snap_(snap) {
  for (const auto& t : snap.tasks) {
    by_pid_.emplace(t.pid, &t);
    if (t.task_addr.known() && *t.task_addr != 0) by_addr_.emplace(*t.task_addr, &t);
  }
  for (const auto& l : snap.locks) {
    if (l.addr.known()) locks_.emplace(*l.addr, &l);
  }
}

const model::Task* SnapshotIndex::task_by_pid(int pid) const {
  auto it = by_pid_.find(pid);
  return it == by_pid_.end() ? nullptr : it->second;
}

const model::Task* SnapshotIndex::task_by_addr(std::uint64_t addr) const {
  auto it = by_addr_.find(addr);
  return it == by_addr_.end() ? nullptr : it->second;
}

const model::Lock* SnapshotIndex::lock_by_addr(std::uint64_t addr) const {
  auto it = locks_.find(addr);
  return it == locks_.end() ? nullptr : it->second;
}

const model::Lock* SnapshotIndex::lock_by_name(std::string_view name) const {
  for (const auto& l : snap_.locks) {
    if (!l.addr.known() && l.name == name) return &l;
  }
  return nullptr;
}

const model::SuperBlock* SnapshotIndex::super_block_by_lock(std::uint64_t addr) const {
  for (const auto& sb : snap_.super_blocks) {
    if (sb.s_umount_addr.value_or(0) == addr || sb.s_writers_addr.value_or(0) == addr) return &sb;
    // s_writers holds SB_FREEZE_LEVELS percpu rw-semaphores; waits name any of them.
    if (sb.s_writers_addr.known() && addr > *sb.s_writers_addr && addr < *sb.s_writers_addr + 512)
      return &sb;
  }
  return nullptr;
}

const model::SuperBlock* SnapshotIndex::super_block_by_addr(std::uint64_t addr) const {
  for (const auto& sb : snap_.super_blocks) {
    if (sb.addr == addr) return &sb;
  }
  return nullptr;
}

const model::SuperBlock* SnapshotIndex::super_block_by_dev(std::uint32_t dev) const {
  for (const auto& sb : snap_.super_blocks) {
    if (sb.dev.known() && *sb.dev == dev) return &sb;
  }
  return nullptr;
}

const model::Inode* SnapshotIndex::inode_by_lock(std::uint64_t addr) const {
  for (const auto& i : snap_.inodes) {
    if (i.i_rwsem_addr.value_or(0) == addr) return &i;
  }
  return nullptr;
}

const model::MmStruct* SnapshotIndex::mm_by_lock(std::uint64_t addr) const {
  for (const auto& m : snap_.mms) {
    if (m.mmap_lock_addr.value_or(0) == addr) return &m;
  }
  return nullptr;
}

const model::FuseConn* SnapshotIndex::fuse_conn(std::uint32_t id) const {
  for (const auto& c : snap_.fuse_conns) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const model::Userfaultfd* SnapshotIndex::userfaultfd(std::uint64_t ctx) const {
  for (const auto& u : snap_.userfaultfds) {
    if (u.ctx_addr == ctx) return &u;
  }
  return nullptr;
}

const model::GlobalLock* SnapshotIndex::global(std::uint64_t addr) const {
  for (const auto& g : snap_.globals) {
    if (g.addr == addr) return &g;
  }
  return nullptr;
}

TaskRef make_task_ref(const model::Task& t) {
  TaskRef r;
  r.pid = t.pid;
  r.comm = t.comm;
  r.state = t.state;
  r.stuck_seconds = t.stuck_seconds;
  r.alive = t.state != model::TaskState::dead && t.state != model::TaskState::zombie;
  if (t.state == model::TaskState::zombie && t.death.empty())
    r.death = "exited (zombie, not yet reaped)";
  r.stop_reason = t.stop_reason;
  r.death = t.death;
  if (t.cgroup.known())
    r.cgroup = kernel::parse_cgroup_path(*t.cgroup);
  else if (t.container.known())  // a snapshot with the container label only
    r.cgroup = kernel::owner_from_container_label(*t.container);
  return r;
}

std::string_view state_letter(model::TaskState s) {
  using S = model::TaskState;
  switch (s) {
    case S::running:
      return "R";
    case S::sleeping:
      return "S";
    case S::disk_sleep:
      return "D";
    case S::stopped:
      return "T";
    case S::traced:
      return "t";
    case S::zombie:
      return "Z";
    case S::dead:
      return "X";
    case S::idle:
      return "I";
    case S::unknown:
      break;
  }
  return "?";
}

bool is_blocked(const model::Task& t) {
  if (t.state == model::TaskState::disk_sleep) return true;
  if (t.state != model::TaskState::sleeping || !t.wait.known()) return false;
  return kernel::served_by_user_space(t.wait->kind);
}

}  // namespace hangscope::analyze
