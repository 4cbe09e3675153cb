// The hangfs FUSE daemon (tools/hangfs) as a child process: started, waited for, stopped, killed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/deadline.h"
#include "demo/guardian.h"

namespace hangscope::demo {

/// Finds the hangfs binary: `preferred` when non-empty and executable, else next to
/// /proc/self/exe, else in ../libexec/hangscope/ from there (an installed hangscope), else on
/// PATH. Fails with a one-line error saying where it looked.
Result<std::string> find_hangfs_binary(const std::string& preferred = "");

struct HangfsOptions {
  std::string binary;       ///< path of hangfs
  std::string mount_point;  ///< an empty directory we own
  std::string file_name = "f";
  std::string block_device;  ///< "/dev/loopN": mount as fuseblk (root); empty: plain fuse
  Millis timeout{5000};      ///< for the mount to come up
  std::vector<std::string> extra_args;  ///< more hangfs options (`--writeback-cache`...)
};

/// A running hangfs serving one mount.
class HangfsDaemon {
 public:
  HangfsDaemon() = default;
  HangfsDaemon(HangfsDaemon&& o) noexcept;
  HangfsDaemon& operator=(HangfsDaemon&& o) noexcept;
  ~HangfsDaemon();

  /// Spawns hangfs, waits for its readiness line (FUSE_INIT answered), then reads the mount's
  /// device from /proc/self/mountinfo. Fails (and kills the daemon) on any of these steps.
  static Result<HangfsDaemon> start(const HangfsOptions& options);

  pid_t pid() const { return process_.pid(); }
  /// The FUSE connection id (major << 20 | minor of the mount's device).
  uint64_t connection_id() const { return connection_id_; }
  unsigned major() const { return major_; }
  unsigned minor() const { return minor_; }
  const std::string& mount_point() const { return mount_point_; }

  /// SIGSTOP, then waits until /proc shows it stopped (T). Fails after `timeout`.
  Status stop(Millis timeout = Millis(5000));

  /// SIGKILL (+SIGCONT) and reap within `timeout`. Idempotent.
  Status kill(Millis timeout = Millis(5000));

 private:
  ChildProcess process_;
  int emergency_slot_ = -1;
  uint64_t connection_id_ = 0;
  unsigned major_ = 0;
  unsigned minor_ = 0;
  std::string mount_point_;
};

/// Tells `guardian` how to undo `daemon`'s mount should the fixture's process die: abort its
/// FUSE connection, kill it, unmount its mount point. Fails when the guardian is gone.
Status guard_daemon(Guardian& guardian, const HangfsDaemon& daemon);

}  // namespace hangscope::demo
