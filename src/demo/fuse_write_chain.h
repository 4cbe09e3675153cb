// FuseWriteChain: a two-hop lock chain on a plain FUSE file. writer1 holds the inode's i_rwsem
// for write in fuse_perform_write while waiting for a FUSE_WRITE reply from a daemon that does
// not answer; writer2 (write) and trunc3 (ftruncate, killable) then wait for that i_rwsem in D.
// Why the daemon does not answer is chosen with a DaemonHalt (daemon_halt.h): stopped (the
// default), frozen by a cgroup freezer (v1 or v2), held in a ptrace stop, spinning on a CPU (with
// or without a CPU quota), or deadlocked with writer1 by writing to its own mount (then the
// daemon, too, waits for the i_rwsem in D: writer1 -> FUSE_WRITE -> daemon -> i_rwsem ->
// writer1).
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

struct FuseWriteChainOptions {
  std::string hangfs_binary;
  bool signal_writer1 = false;  ///< SIGUSR1 writer1: its wait turns killable (D)
  Millis step_timeout{10000};
  StepLog on_step;
  DaemonHalt halt = DaemonHalt::kSigstop;  ///< why the daemon does not answer
};

/// The hang, alive until cleanup(). Needs root (or FUSE rights) and /dev/fuse.
class FuseWriteChain {
 public:
  /// Builds the chain, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<FuseWriteChain>> start(FuseWriteChainOptions options);

  FuseWriteChain(const FuseWriteChain&) = delete;
  FuseWriteChain& operator=(const FuseWriteChain&) = delete;
  ~FuseWriteChain();

  /// Aborts the connection, lifts the halt (thaw, end the tracer), kills the daemon, reaps the
  /// three tasks, removes the cgroup, unmounts, removes the temp dir. Idempotent; fails (listing
  /// every problem) when a task is left over. Should the process die first, its Guardian does
  /// the same (abort, thaw, kill by pidfd, unmount, remove).
  Status cleanup();

  pid_t daemon_pid() const { return stage_.daemon_pid(); }
  pid_t writer1_pid() const { return writer1_.pid(); }
  pid_t writer2_pid() const { return writer2_.pid(); }
  pid_t trunc3_pid() const { return trunc3_.pid(); }
  const std::string& mount_point() const { return stage_.mount_point(); }
  const std::string& file_name() const { return file_name_; }
  /// The inode number of the file as the kernel knows it (hangfs serves it as ino 2).
  uint64_t file_ino() const { return 2; }
  uint64_t connection_id() const { return stage_.connection_id(); }
  std::string abort_path() const;
  /// How the daemon is halted: its cgroup (freezer/cpu) and tracer, when it has them.
  const DaemonHold& hold() const { return *hold_; }
  pid_t guardian_pid() const { return stage_.guardian().pid(); }

 private:
  explicit FuseWriteChain(FuseWriteChainOptions options) : options_(std::move(options)) {}
  Status build();
  void step(const std::string& line) const;

  FuseWriteChainOptions options_;
  FuseStage stage_;
  std::optional<DaemonHold> hold_;
  Worker writer1_, writer2_, trunc3_;
  std::string file_name_ = "f";
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
