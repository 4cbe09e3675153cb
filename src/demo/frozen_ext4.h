// FrozenExt4: an ext4 filesystem on a loop device, frozen (FIFREEZE, what `fsfreeze -f` does),
// with a writer blocked in percpu_rwsem_wait (sb_start_write) and, optionally, a mkdir blocked
// in mnt_want_write. No task owns a freeze: the remedy is to thaw.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/fixture_support.h"
#include "demo/fs_freeze.h"
#include "demo/guardian.h"
#include "demo/loop_device.h"
#include "demo/temp_dir.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

struct FrozenExt4Options {
  bool with_mkdir = true;      ///< also block a mkdir (the mnt_want_write path)
  Millis step_timeout{20000};  ///< mkfs.ext4 included
  StepLog on_step;
};

/// The frozen filesystem, alive until cleanup(). Needs root, loop devices and mkfs.ext4.
class FrozenExt4 {
 public:
  /// Builds it, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<FrozenExt4>> start(FrozenExt4Options options);

  FrozenExt4(const FrozenExt4&) = delete;
  FrozenExt4& operator=(const FrozenExt4&) = delete;
  ~FrozenExt4();

  /// Thaws (FITHAW), reaps the writers, unmounts, detaches the loop device, removes the temp
  /// dir. Idempotent; fails (listing every problem) when something is left over.
  Status cleanup();

  pid_t writer_pid() const { return writer_.pid(); }
  pid_t mkdir_pid() const { return mkdir_.pid(); }               ///< -1 without with_mkdir
  const std::string& loop_path() const { return loop_.path(); }  ///< "/dev/loopN"
  std::string loop_name() const { return loop_.name(); }         ///< "loopN" (the s_id)
  int loop_number() const { return loop_.number(); }
  unsigned dev_major() const { return loop_.major(); }
  unsigned dev_minor() const { return loop_.minor(); }
  const std::string& mount_point() const { return mount_point_; }
  uint64_t file_ino() const { return file_ino_; }

 private:
  explicit FrozenExt4(FrozenExt4Options options) : options_(std::move(options)) {}
  Status build();
  void step(const std::string& line) const;

  FrozenExt4Options options_;
  TempDir dir_;
  LoopDevice loop_;
  Guardian guardian_;
  UniqueFd root_fd_;  ///< the file is created through it
  FsFreeze freeze_;
  Worker writer_, mkdir_;
  std::string mount_point_;
  uint64_t file_ino_ = 0;
  bool mounted_ = false;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
