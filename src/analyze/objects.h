// Describing the kernel object a wait's lock belongs to (super_block, inode, mm, FUSE conn...).
#pragma once

#include <cstdint>
#include <string>

#include "analyze/findings.h"
#include "analyze/task_index.h"

namespace hangscope::analyze {

/// "7:0" for a kernel-encoded dev_t (major << 20 | minor).
std::string format_dev(std::uint32_t dev);

/// Describes a super_block: summary "super_block loop0 (fuseblk, mounted on /mnt/img)" + fields.
ObjectRef describe_super_block(const model::SuperBlock& sb);
ObjectRef describe_inode(const model::Inode& inode, const SnapshotIndex& idx);
ObjectRef describe_mm(const model::MmStruct& mm, const SnapshotIndex& idx);
ObjectRef describe_fuse_conn(std::uint32_t id, const model::FuseConn* conn);
ObjectRef describe_userfaultfd(const model::Userfaultfd& uffd);
ObjectRef describe_global(std::string_view name);

/// The object `wait` refers to, matched by lock address against the snapshot's objects (pure).
/// Fills `wait.object_type`/`object_addr` when they were unknown. Returns an ObjectRef of type
/// none when nothing matches.
ObjectRef resolve_object(model::Wait& wait, const model::Task& waiter, const SnapshotIndex& idx);

}  // namespace hangscope::analyze
