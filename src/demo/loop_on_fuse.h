// LoopOnFuse: an ext4 filesystem on a loop device whose backing file lives on a FUSE mount (a
// disk image on sshfs, say), with the FUSE daemon halted. A lookup in a directory whose block is
// not cached needs a read from the device: the loop worker reads the backing file, which waits
// for the daemon. A `dd of=NEW conv=fsync` in that directory then waits for the directory's
// i_rwsem, which the lookup holds (shared) across its read.
//
//   creator (D) --i_rwsem of the root dir, held shared by--> reader (D, buffer read) --bio-->
//   loopN --worker reads the backing file--> FUSE request --> hangfs (halted)
//
// What the kernel shows (Linux 6.18, daemon SIGSTOPped):
// - reader: D, wchan __ext4_find_entry (the buffer wait is inlined there); stack
//   __ext4_find_entry <- ext4_lookup <- __lookup_slow <- walk_component <- path_lookupat.
// - creator: D, wchan path_openat (the down_write of the directory's i_rwsem is inlined).
// - loop worker: "kworker/uN:M+loopN" while it runs the device's work, S in request_wait_answer
//   <- __fuse_simple_request <- fuse_do_getattr <- fuse_file_read_iter <- lo_rw_aio <-
//   loop_process_work: FUSE revalidates the file's attributes (GETATTR) before the read itself.
// - /sys/block/loopN/inflight: "1 0"; /sys/block/loopN/loop/backing_file: the image's path on
//   the FUSE mount; /sys/fs/fuse/connections/ID/waiting: 1.
// - Mounted with noinit_itable: otherwise the ext4lazyinit thread also waits (D in
//   ext4_read_block_bitmap_nowait) for the same device.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/daemon_halt.h"
#include "demo/fixture_support.h"
#include "demo/fuse_stage.h"
#include "demo/loop_device.h"

namespace hangscope::demo {

struct LoopOnFuseOptions {
  std::string hangfs_binary;
  Millis step_timeout{20000};  ///< mkfs.ext4 over FUSE included
  StepLog on_step;
  DaemonHalt halt = DaemonHalt::kSigstop;  ///< any halt but the on-write ones
  bool with_creator = true;                ///< also block a file creation on the root dir
};

/// The hang, alive until cleanup(). Needs root, /dev/fuse, loop devices and mkfs.ext4.
class LoopOnFuse {
 public:
  /// Builds it, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<LoopOnFuse>> start(LoopOnFuseOptions options);

  LoopOnFuse(const LoopOnFuse&) = delete;
  LoopOnFuse& operator=(const LoopOnFuse&) = delete;
  ~LoopOnFuse();

  /// Aborts the FUSE connection (the read fails, the reader gets EIO), lifts the halt, reaps
  /// the reader and the creator, unmounts ext4, detaches the loop device, kills the daemon,
  /// unmounts FUSE, removes the temp dir. Idempotent; fails (listing every problem) when something
  /// is left over.
  Status cleanup();

  pid_t reader_pid() const { return reader_.pid(); }
  /// The task creating a new file next to the looked-up directory (-1 without with_creator).
  pid_t creator_pid() const { return creator_.pid(); }
  /// The loop worker blocked on the FUSE read (found by its comm), -1 when not found.
  pid_t loop_worker_pid() const { return loop_worker_pid_; }
  pid_t daemon_pid() const { return stage_.daemon_pid(); }
  const std::string& loop_path() const { return loop_.path(); }
  std::string loop_name() const { return loop_.name(); }
  int loop_number() const { return loop_.number(); }
  unsigned loop_major() const { return loop_.major(); }
  unsigned loop_minor() const { return loop_.minor(); }
  const std::string& ext4_mount_point() const { return ext4_mount_; }
  const std::string& fuse_mount_point() const { return stage_.mount_point(); }
  /// The image on the FUSE mount, as /sys/block/loopN/loop/backing_file names it.
  const std::string& backing_file() const { return backing_file_; }
  uint64_t connection_id() const { return stage_.connection_id(); }
  const DaemonHold& hold() const { return *hold_; }

 private:
  explicit LoopOnFuse(LoopOnFuseOptions options) : options_(std::move(options)) {}
  Status build();
  Status make_image();
  Status block_tasks();
  void step(const std::string& line) const;

  LoopOnFuseOptions options_;
  FuseStage stage_;
  std::optional<DaemonHold> hold_;
  LoopDevice loop_;
  Worker reader_, creator_;
  std::string ext4_mount_, backing_file_;
  pid_t loop_worker_pid_ = -1;
  bool ext4_mounted_ = false;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
