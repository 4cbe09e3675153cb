// LoopOnFrozen: stacked block devices whose bottom is frozen. An ext4 filesystem ("upper") lives
// on a loop device whose backing file is on another ext4 ("lower", itself on a loop device); the
// lower filesystem is frozen (FIFREEZE, as `fsfreeze -f`). A write + fsync on the upper
// filesystem sends its data to the upper loop device, whose worker writes the backing file and
// waits to enter the frozen lower filesystem (sb_start_write). The task above waits for its I/O,
// holding no lock: the cause is two devices down.
//
//   writer (D, folio writeback) --bio--> loopU --worker: sb_start_write--> lower ext4 (frozen)
//
// What the kernel shows (Linux 6.18):
// - writer: D, wchan folio_wait_bit; stack folio_wait_bit <- folio_wait_writeback <-
//   __filemap_fdatawait_range <- file_write_and_wait_range <- ext4_sync_file <- do_fsync.
// - upper loop worker "kworker/uN:M+loopU": D, wchan percpu_rwsem_wait <- lo_rw_aio <-
//   loop_process_work (the kiocb_start_write of the backing file's write is inlined), on the
//   lower super_block's s_writers (SB_FREEZE_WRITE level).
// - the upper filesystem's journal thread jbd2/loopU-8 may wait too (jbd2_write_superblock).
// - /sys/block/loopU/inflight: "0 N" (writes in flight); /sys/block/loopU/loop/backing_file:
//   the image's path on the lower filesystem; the lower loop device has nothing in flight.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/fixture_support.h"
#include "demo/fs_freeze.h"
#include "demo/guardian.h"
#include "demo/loop_device.h"
#include "demo/temp_dir.h"

namespace hangscope::demo {

struct LoopOnFrozenOptions {
  Millis step_timeout{20000};  ///< two mkfs.ext4 included
  StepLog on_step;
};

/// The hang, alive until cleanup(). Needs root, loop devices and mkfs.ext4.
class LoopOnFrozen {
 public:
  /// Builds it, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<LoopOnFrozen>> start(LoopOnFrozenOptions options);

  LoopOnFrozen(const LoopOnFrozen&) = delete;
  LoopOnFrozen& operator=(const LoopOnFrozen&) = delete;
  ~LoopOnFrozen();

  /// Thaws the lower filesystem (the writes go through), reaps the writer, unmounts both
  /// filesystems, detaches both loop devices, removes the temp dir. Idempotent; fails (listing
  /// every problem) when something is left over.
  Status cleanup();

  pid_t writer_pid() const { return writer_.pid(); }
  /// The upper loop device's worker waiting on the frozen filesystem, -1 when not found.
  pid_t loop_worker_pid() const { return loop_worker_pid_; }
  const LoopDevice& lower_loop() const { return lower_loop_; }
  const LoopDevice& upper_loop() const { return upper_loop_; }
  const std::string& lower_mount_point() const { return lower_mount_; }
  const std::string& upper_mount_point() const { return upper_mount_; }
  /// The upper device's backing file, on the lower filesystem.
  const std::string& backing_file() const { return backing_file_; }

 private:
  explicit LoopOnFrozen(LoopOnFrozenOptions options) : options_(std::move(options)) {}
  Status build();
  Status mount_ext4(const LoopDevice& loop, const std::string& mount_point, const char* options);
  void step(const std::string& line) const;

  LoopOnFrozenOptions options_;
  Guardian guardian_;
  TempDir dir_;
  LoopDevice lower_loop_, upper_loop_;
  FsFreeze freeze_;  ///< of the lower filesystem
  Worker writer_;
  std::string lower_mount_, upper_mount_, backing_file_;
  pid_t loop_worker_pid_ = -1;
  bool lower_mounted_ = false, upper_mounted_ = false;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
