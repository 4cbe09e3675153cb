#include "kernel/wait_kind.h"

namespace hangscope::kernel {

using model::LockKind;

bool served_by_user_space(LockKind kind) {
  return kind == LockKind::fuse_request || kind == LockKind::userfaultfd;
}

bool may_have_waiter_record(LockKind kind) {
  return kind != LockKind::fuse_request && kind != LockKind::userfaultfd && kind != LockKind::io &&
         kind != LockKind::completion && kind != LockKind::folio_lock;
}

bool is_lock_machinery_frame(std::string_view symbol) {
  return symbol.find("schedule") != std::string_view::npos ||
         symbol.find("slowpath") != std::string_view::npos || symbol.starts_with("down_") ||
         symbol.find("mutex_lock") != std::string_view::npos || symbol.starts_with("__down");
}

LockKind lock_kind_from_name(std::string_view name) {
  if (name == "sb_writers") return LockKind::percpu_rwsem;
  if (name == "s_umount" || name == "i_rwsem" || name == "mmap_lock" || name.ends_with("_sem") ||
      name.ends_with("rwsem"))
    return LockKind::rwsem;
  if (name.find("mutex") != std::string_view::npos || name.ends_with("_lock_mtx"))
    return LockKind::mutex;
  return LockKind::unknown;
}

}  // namespace hangscope::kernel
