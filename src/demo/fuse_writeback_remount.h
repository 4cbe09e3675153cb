// FuseWritebackRemount: writeback of a FUSE filesystem held up by its halted daemon while
// s_umount is held. hangfs runs with FUSE_WRITEBACK_CACHE, so a write only dirties the page
// cache; the daemon is halted; `mount -o remount` takes the super_block's s_umount for write and
// syncs the filesystem (fuse_reconfigure -> sync_filesystem), whose writeback waits for the
// daemon; `sync` then waits for s_umount for read.
//
//   sync (D) --s_umount, read--> remount (D, holds s_umount for write) --writeback-->
//   flusher kworker (sends the dirty data / inode to the daemon) --FUSE--> hangfs (halted)
//
// What the kernel shows (Linux 6.18, daemon SIGSTOPped):
// - remount: D, wchan wb_wait_for_completion, under sync_filesystem <- fuse_reconfigure <-
//   reconfigure_super <- path_mount (do_remount holds s_umount for write).
// - the flusher of the FUSE bdi: "kworker/uN:M+flush-0:NN" (the bdi is named after the FUSE
//   mount's device 0:NN), S in request_wait_answer <- __fuse_simple_request <- fuse_flush_times
//   <- fuse_write_inode <- __writeback_single_inode <- writeback_sb_inodes <- wb_writeback <-
//   wb_workfn: with a writeback cache the inode's times are written back with a synchronous
//   SETATTR from the flusher itself, before the data.
// - sync: D in super_lock (iterate_supers, s_umount for read).
// - /sys/fs/fuse/connections/ID/waiting: 2; /proc/meminfo Dirty includes the 64 KiB.
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

namespace hangscope::demo {

struct FuseWritebackRemountOptions {
  std::string hangfs_binary;
  Millis step_timeout{10000};
  StepLog on_step;
  DaemonHalt halt = DaemonHalt::kSigstop;  ///< any halt but the on-write ones
  bool with_sync = true;                   ///< also block a sync() on s_umount
};

/// The hang, alive until cleanup(). Needs root and /dev/fuse.
class FuseWritebackRemount {
 public:
  /// Builds it, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<FuseWritebackRemount>> start(FuseWritebackRemountOptions options);

  FuseWritebackRemount(const FuseWritebackRemount&) = delete;
  FuseWritebackRemount& operator=(const FuseWritebackRemount&) = delete;
  ~FuseWritebackRemount();

  /// Aborts the FUSE connection (writeback fails, remount returns, sync goes on), lifts the
  /// halt, reaps every task, kills the daemon, unmounts, removes the temp dir. Idempotent; fails
  /// (listing every problem) when something is left over.
  Status cleanup();

  pid_t daemon_pid() const { return stage_.daemon_pid(); }
  pid_t dirtier_pid() const { return dirtier_.pid(); }  ///< holds the dirty file open, sleeping
  pid_t remount_pid() const { return remount_.pid(); }
  pid_t sync_pid() const { return sync_.pid(); }  ///< -1 without with_sync
  /// The flusher kworker writing back the FUSE bdi ("kworker/uN:M+flush-MAJ:MIN"), -1 if none
  /// was seen busy with it.
  pid_t flusher_pid() const { return flusher_pid_; }
  const std::string& mount_point() const { return stage_.mount_point(); }
  unsigned dev_major() const { return stage_.daemon().major(); }
  unsigned dev_minor() const { return stage_.daemon().minor(); }
  uint64_t connection_id() const { return stage_.connection_id(); }
  const DaemonHold& hold() const { return *hold_; }

 private:
  explicit FuseWritebackRemount(FuseWritebackRemountOptions options)
      : options_(std::move(options)) {}
  Status build();
  Status block_remount_and_sync();
  void step(const std::string& line) const;

  FuseWritebackRemountOptions options_;
  FuseStage stage_;
  std::optional<DaemonHold> hold_;
  Worker dirtier_;
  ChildProcess remount_, sync_;
  pid_t flusher_pid_ = -1;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
