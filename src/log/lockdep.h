// lockdep held-lock dumps: "3 locks held by syz-executor/1234:" followed by
// " #0: ffff888003a1c070 (&type->s_umount_key#31){++++}-{3:3}, at: iterate_supers+0x95/0x100".
#pragma once

#include <string>
#include <string_view>

#include "log/event.h"

namespace hangscope::log {

/// Parses "N locks held by comm/pid:" / "1 lock held by comm/pid:" / "no locks held by
/// comm/pid." into `out` (comm, pid; locks empty). False for other lines.
bool parse_held_lock_header(std::string_view text, HeldLockDump& out);

/// Parses one " #N: [ADDR ](class){usage}, at: func+off" entry. False for other lines.
bool parse_held_lock_entry(std::string_view text, HeldLock& out);

/// The lock's field name from a lockdep class name: "&type->s_umount_key#31" -> "s_umount",
/// "&sb->s_type->i_mutex_key#13" -> "i_rwsem", "sb_writers#5" -> "sb_writers",
/// "&mm->mmap_lock" -> "mmap_lock", "rtnl_mutex" -> "rtnl_mutex".
std::string lock_name_from_class(std::string_view class_name);

}  // namespace hangscope::log
