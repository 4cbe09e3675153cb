// Lookups over a Snapshot's tasks, locks and objects (built once per analysis).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "analyze/findings.h"
#include "model/snapshot.h"

namespace hangscope::analyze {

/// Read-only indices into one Snapshot; the Snapshot must outlive the index.
class SnapshotIndex {
 public:
  explicit SnapshotIndex(const model::Snapshot& snap);

  const model::Snapshot& snapshot() const { return snap_; }
  /// The task with global pid `pid`, or nullptr.
  const model::Task* task_by_pid(int pid) const;
  /// The task whose task_struct is at `addr`, or nullptr (a dead owner has none).
  const model::Task* task_by_addr(std::uint64_t addr) const;
  /// The lock at `addr`, or nullptr.
  const model::Lock* lock_by_addr(std::uint64_t addr) const;
  /// The address-less (log-derived) lock named `name`, or nullptr.
  const model::Lock* lock_by_name(std::string_view name) const;
  /// The super_block whose s_umount, s_writers or own address is `addr`, or nullptr.
  const model::SuperBlock* super_block_by_lock(std::uint64_t addr) const;
  const model::SuperBlock* super_block_by_addr(std::uint64_t addr) const;
  const model::SuperBlock* super_block_by_dev(std::uint32_t dev) const;
  const model::Inode* inode_by_lock(std::uint64_t addr) const;
  const model::MmStruct* mm_by_lock(std::uint64_t addr) const;
  const model::FuseConn* fuse_conn(std::uint32_t id) const;
  const model::Userfaultfd* userfaultfd(std::uint64_t ctx) const;
  const model::GlobalLock* global(std::uint64_t addr) const;

 private:
  const model::Snapshot& snap_;
  std::unordered_map<int, const model::Task*> by_pid_;
  std::unordered_map<std::uint64_t, const model::Task*> by_addr_;
  std::unordered_map<std::uint64_t, const model::Lock*> locks_;
};

/// A TaskRef for `t` (alive unless its state is dead).
TaskRef make_task_ref(const model::Task& t);

/// Single-letter /proc state ("D", "T", ...; "?" when unknown).
std::string_view state_letter(model::TaskState s);

/// True for tasks blocked in the kernel (D), or asleep in S on a wait the table knows as a hang
/// (FUSE request, userfaultfd).
bool is_blocked(const model::Task& t);

}  // namespace hangscope::analyze
