// The knowledge table: which kernel functions wait for, or hold, which lock in which mode.
// Pure data plus lookups over a stack; rows live in lock_sites_table.cc.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "model/snapshot.h"

namespace hangscope::kernel {

/// Whether a function, while on a task's stack, means the task waits for or holds the lock.
enum class SiteRole { waits, holds };

/// One row of the table: `function` (exact kernel symbol) waits for / holds `lock_name`.
struct LockSite {
  std::string_view function;
  SiteRole role;
  model::LockKind kind;
  model::LockMode mode;
  std::string_view lock_name;  // "s_umount", "i_rwsem", "mmap_lock", "sb_writers", ...
  model::ObjectType object;    // where that lock lives
  std::string_view detail;     // FUSE opcode for fuse_request waits, else a short note
  std::string_view source;     // kernel source reference (file:function, version)
};

/// Every row, in table order.
std::span<const LockSite> lock_sites();

/// The innermost frame of `stack` (innermost first) that the table lists as a wait site,
/// or nullptr when no frame is known.
const LockSite* find_wait_site(const std::vector<model::StackFrame>& stack);

/// Every hold site found on `stack`, innermost first (a task may hold several locks).
std::vector<const LockSite*> find_held_sites(const std::vector<model::StackFrame>& stack);

/// The first row for `function` with `role`, or nullptr.
const LockSite* find_site(std::string_view function, SiteRole role);

/// The FUSE opcode ("DESTROY", "WRITE", ...) that a FUSE-request row names for the innermost
/// frame of `stack` that has one (either role); empty when no frame does.
std::string_view fuse_opcode_on(const std::vector<model::StackFrame>& stack);

}  // namespace hangscope::kernel
