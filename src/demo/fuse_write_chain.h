// FuseWriteChain: a two-hop lock chain on a plain FUSE file. writer1 holds the inode's i_rwsem
// for write in fuse_perform_write while waiting for a FUSE_WRITE reply from the stopped daemon;
// writer2 (write) and trunc3 (ftruncate, killable) then wait for that i_rwsem in D.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/fixture_support.h"
#include "demo/hangfs_daemon.h"
#include "demo/temp_dir.h"

namespace hangscope::demo {

struct FuseWriteChainOptions {
  std::string hangfs_binary;
  bool signal_writer1 = false;  ///< SIGUSR1 writer1: its wait turns killable (D)
  Millis step_timeout{10000};
  StepLog on_step;
};

/// The hang, alive until cleanup(). Needs root (or FUSE rights) and /dev/fuse.
class FuseWriteChain {
 public:
  /// Builds the chain, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<FuseWriteChain>> start(FuseWriteChainOptions options);

  FuseWriteChain(const FuseWriteChain&) = delete;
  FuseWriteChain& operator=(const FuseWriteChain&) = delete;
  ~FuseWriteChain();

  /// Aborts the connection, kills the daemon, reaps the three tasks, unmounts, removes the
  /// temp dir. Idempotent; fails (listing every problem) when a task is left over.
  Status cleanup();

  pid_t daemon_pid() const { return daemon_pid_; }
  pid_t writer1_pid() const { return writer1_.pid(); }
  pid_t writer2_pid() const { return writer2_.pid(); }
  pid_t trunc3_pid() const { return trunc3_.pid(); }
  const std::string& mount_point() const { return mount_point_; }
  const std::string& file_name() const { return file_name_; }
  /// The inode number of the file as the kernel knows it (hangfs serves it as ino 2).
  uint64_t file_ino() const { return 2; }
  uint64_t connection_id() const { return connection_id_; }
  std::string abort_path() const;

 private:
  explicit FuseWriteChain(FuseWriteChainOptions options) : options_(std::move(options)) {}
  Status build();
  void step(const std::string& line) const;

  FuseWriteChainOptions options_;
  TempDir dir_;
  HangfsDaemon daemon_;
  Worker writer1_, writer2_, trunc3_;
  std::string mount_point_, file_name_ = "f";
  pid_t daemon_pid_ = -1;
  uint64_t connection_id_ = 0;
  int abort_slot_ = -1;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
