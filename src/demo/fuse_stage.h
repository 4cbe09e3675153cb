// FuseStage: what every FUSE fixture starts with and ends with. A guardian process, a scratch
// directory, a hangfs daemon serving a mount in it, the connection's abort knob registered for
// Ctrl-C (emergency.h) and everything registered with the guardian for a death without cleanup.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "demo/daemon_halt.h"
#include "demo/deadline.h"
#include "demo/fixture_support.h"
#include "demo/guardian.h"
#include "demo/hangfs_daemon.h"
#include "demo/temp_dir.h"

namespace hangscope::demo {

class FuseStage {
 public:
  FuseStage() = default;
  FuseStage(const FuseStage&) = delete;
  FuseStage& operator=(const FuseStage&) = delete;
  ~FuseStage();

  /// Starts the guardian, makes /tmp/hangscope-`tag`-XXXXXX/mnt, mounts fusectl if needed and
  /// starts hangfs on mnt serving `file_name` with `hangfs_args`. Fails with the step's error;
  /// whatever was made is undone by abort_connection() + finish().
  Status start(const std::string& tag, const std::string& hangfs_binary,
               const std::string& file_name, const std::vector<std::string>& hangfs_args);

  Guardian& guardian() { return guardian_; }
  const Guardian& guardian() const { return guardian_; }
  TempDir& dir() { return dir_; }
  HangfsDaemon& daemon() { return daemon_; }
  const HangfsDaemon& daemon() const { return daemon_; }
  const std::string& mount_point() const { return mount_point_; }
  /// The daemon's pid, -1 before it started (kept after it was reaped).
  pid_t daemon_pid() const { return daemon_pid_; }
  uint64_t connection_id() const { return connection_id_; }
  /// "mount_point/name".
  std::string path_of(const std::string& name) const { return mount_point_ + "/" + name; }

  /// Halts the daemon as `halt` says (DaemonHold::apply, with this stage's directory and
  /// guardian) and logs "daemon hangfs pid N halted: HOW" to `step` (for the halts that act now).
  Result<DaemonHold> halt_daemon(DaemonHalt halt, Millis timeout, const StepLog& step);

  /// Drops the page cache of the file `name` on the mount (POSIX_FADV_DONTNEED on a descriptor
  /// opened and closed here), so that its next read reaches the daemon. Call it while the daemon
  /// answers: closing a FUSE file sends FLUSH and waits for the reply.
  Status drop_page_cache(const std::string& name) const;

  /// Aborts the FUSE connection (every waiter gets ENOTCONN/ECONNABORTED) and forgets the
  /// emergency knob. Idempotent (never aborts a later connection that reuses the id); succeeds
  /// when nothing was mounted.
  Status abort_connection();

  /// After the fixture's own tasks are reaped: kills the daemon, unmounts the FUSE mount,
  /// removes the scratch directory; disarms the guardian when `disarm`. Idempotent.
  Status finish(Millis timeout, bool disarm);

 private:
  Guardian guardian_;
  TempDir dir_;
  HangfsDaemon daemon_;
  std::string mount_point_;
  pid_t daemon_pid_ = -1;
  uint64_t connection_id_ = 0;
  int abort_slot_ = -1;
  bool aborted_ = false;
};

}  // namespace hangscope::demo
