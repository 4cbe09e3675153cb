// SeedHang: the seed case's shape, made from user-space parts. A stopped FUSE daemon serves a
// fuseblk mount on a loop device; umount2() blocks in FUSE_DESTROY holding the super_block's
// s_umount for write; sync() then blocks in super_lock (iterate_supers) for read.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/fixture_support.h"
#include "demo/hangfs_daemon.h"
#include "demo/loop_device.h"
#include "demo/temp_dir.h"

namespace hangscope::demo {

struct SeedHangOptions {
  std::string hangfs_binary;   ///< see find_hangfs_binary()
  bool signal_umount = true;   ///< SIGUSR1 the umount so it sleeps in D, as seen in the wild
  Millis step_timeout{10000};  ///< bound of every wait for a state
  StepLog on_step;             ///< optional
};

/// The hang, alive until cleanup() (or destruction). Needs root, /dev/fuse and loop devices.
class SeedHang {
 public:
  /// Builds the hang step by step, waiting (bounded) for each state in /proc. On failure
  /// everything made so far is undone and the error names the step.
  static Result<std::unique_ptr<SeedHang>> start(SeedHangOptions options);

  SeedHang(const SeedHang&) = delete;
  SeedHang& operator=(const SeedHang&) = delete;
  ~SeedHang();

  /// Aborts the FUSE connection, kills the daemon, reaps umount and sync, unmounts if needed,
  /// detaches the loop device and removes the temp files. Idempotent. Fails (listing every
  /// problem) when a child could not be reaped, i.e. is still in D, or something is left over.
  Status cleanup();

  pid_t daemon_pid() const { return daemon_pid_; }
  pid_t umount_pid() const { return umount_.pid(); }
  pid_t sync_pid() const { return sync_.pid(); }
  const std::string& loop_path() const { return loop_.path(); }  ///< "/dev/loopN"
  std::string loop_name() const { return loop_.name(); }         ///< "loopN" (the s_id)
  int loop_number() const { return loop_.number(); }
  unsigned dev_major() const { return major_; }
  unsigned dev_minor() const { return minor_; }
  const std::string& mount_point() const { return mount_point_; }
  uint64_t connection_id() const { return connection_id_; }
  std::string abort_path() const;

 private:
  explicit SeedHang(SeedHangOptions options) : options_(std::move(options)) {}
  Status build();
  void step(const std::string& line) const;

  SeedHangOptions options_;
  TempDir dir_;
  LoopDevice loop_;
  HangfsDaemon daemon_;
  ChildProcess umount_;
  ChildProcess sync_;
  std::string mount_point_;
  unsigned major_ = 0, minor_ = 0;
  pid_t daemon_pid_ = -1;
  uint64_t connection_id_ = 0;
  int abort_slot_ = -1;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
