// Decoding scan.bpf.c's records of kernel objects: super_blocks, files held open (/dev/fuse,
// userfaultfd), and the objects a lock may live in (an inode's i_rwsem, an mm's mmap_lock).
#pragma once

#include <linux/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "model/snapshot.h"
#include "scan.h"

namespace hangscope::collect {

/// The super_block `s` describes (mount points are filled later, from mountinfo).
model::SuperBlock super_block_from_record(const hs_super_block& s);

/// Adds a FUSE connection per connection id and a userfaultfd per context in `holds`, each with
/// the processes holding its file (sorted, once each), to `snap`.
void add_file_holders(const std::vector<hs_file_hold>& holds, model::Snapshot& snap);

/// The wait of a task queued on the fault wait queues of the userfaultfd context at `ctx`.
model::Wait userfaultfd_wait(std::uint64_t ctx);

/// The inode whose i_rwsem is the rw-semaphore at `lock`, from the candidate scan.bpf.c read in
/// `f`: only when the candidate's i_sb is one of `sb_addrs` (the walked super_blocks).
std::optional<model::Inode> inode_of_lock(const hs_task_full& f, const std::set<__u64>& sb_addrs,
                                          std::uint64_t lock);

/// The mm_struct whose mmap_lock is at `lock`, with the processes using it (from every task in
/// `briefs`), when some full record in `fulls` has its mmap_lock there.
std::optional<model::MmStruct> mm_of_lock(const std::vector<hs_task_full>& fulls,
                                          const std::vector<hs_task_brief>& briefs,
                                          std::uint64_t lock);

}  // namespace hangscope::collect
