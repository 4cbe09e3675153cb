// Guardian: a process that undoes a fixture's hang when the process that made it dies without
// cleaning up (SIGKILL, a crash, a test runner's timeout). The signal handlers of emergency.h
// cover SIGINT/SIGTERM/SIGHUP; nothing in-process survives SIGKILL. Some hangs outlive their
// maker: a task frozen by the cgroup-v1 freezer ignores even SIGKILL until thawed, so its FUSE
// mount, cgroup and waiters would stay forever.
//
// The fixture starts the guardian first, then tells it, step by step, how to undo each thing it
// makes (write a knob, thaw a filesystem, kill a process, unmount, remove a directory). When the
// fixture's cleanup has run it disarms the guardian, which exits. When the fixture's process
// dies instead, the guardian sees its socket close and runs every action it was told about.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/result.h"
#include "demo/deadline.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

/// The guardian process of one fixture. Movable; the destructor disarms it.
class Guardian {
 public:
  Guardian() = default;
  Guardian(Guardian&& o) noexcept;
  Guardian& operator=(Guardian&& o) noexcept;
  Guardian(const Guardian&) = delete;
  Guardian& operator=(const Guardian&) = delete;
  ~Guardian() { disarm(); }

  /// Forks the guardian (comm "hs-guardian", its own session, deaf to SIGINT/SIGTERM/SIGHUP so a
  /// Ctrl-C of the test run does not take it down). The caller must be single-threaded.
  static Result<Guardian> start();

  bool running() const { return sock_.valid(); }
  pid_t pid() const { return pid_; }

  // Actions, run in this order when the fixture's process dies: first every write and thaw (in
  // the order given: abort FUSE connections, thaw cgroups, FITHAW), then every kill, then every
  // unmount (last registered first), then every removal (last first; a directory that is busy,
  // such as a cgroup whose killed processes are still leaving, is retried for 5 s). Each fails
  // only when the guardian is gone or the argument is too long (255 bytes).

  /// Write `value` to the file `path` (a FUSE abort knob, freezer.state, cgroup.freeze).
  Status on_death_write(const std::string& path, const std::string& value);
  /// ioctl(FITHAW) on the filesystem mounted on `mount_point` (opened only then: a descriptor
  /// kept open until then would keep the filesystem busy for the fixture's own unmount).
  Status on_death_thaw(const std::string& mount_point);
  /// SIGKILL (and SIGCONT) `pid`, through a pidfd taken now: never another process later.
  Status on_death_kill(pid_t pid);
  /// umount2(`path`, MNT_DETACH).
  Status on_death_unmount(const std::string& path);
  /// rmdir or unlink `path`.
  Status on_death_remove(const std::string& path);

  /// Tells the guardian the fixture cleaned up after itself, and reaps it (bounded). Idempotent.
  void disarm();

 private:
  Status send(char kind, const std::string& text, int fd);
  UniqueFd sock_;
  pid_t pid_ = -1;
};

}  // namespace hangscope::demo
