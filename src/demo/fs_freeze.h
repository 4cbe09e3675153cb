// FsFreeze: a filesystem frozen through its mount point (FIFREEZE, what `fsfreeze -f` does): every
// writer then waits in sb_start_write (percpu_rwsem_wait on s_writers) and no task owns the
// freeze. Thawed by thaw(), the destructor, Ctrl-C (emergency.h) or, when the fixture's process
// dies, its guardian.
#pragma once

#include <string>

#include "core/result.h"
#include "demo/guardian.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

class FsFreeze {
 public:
  FsFreeze() = default;
  FsFreeze(const FsFreeze&) = delete;
  FsFreeze& operator=(const FsFreeze&) = delete;
  ~FsFreeze() { thaw(); }

  /// Opens `mount_point` (before the freeze: afterwards opening could wait too), registers the
  /// thaw with the emergency table and `guardian`, freezes. Fails with the errno text.
  Status freeze(const std::string& mount_point, Guardian& guardian);

  /// FITHAW (EINVAL, "not frozen", counts as done), then closes the descriptor so that the
  /// filesystem can be unmounted. Idempotent.
  Status thaw();

  bool frozen() const { return frozen_; }

 private:
  UniqueFd root_;
  std::string mount_point_;
  bool frozen_ = false;
  int slot_ = -1;
};

}  // namespace hangscope::demo
