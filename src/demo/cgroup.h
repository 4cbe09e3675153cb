// A cgroup a fixture creates for the processes it starts: in a cgroup-v1 hierarchy of one
// controller (freezer, cpu) or in the unified cgroup-v2 hierarchy. The fixture mounts its own view
// of the hierarchy in its temp dir, so it never depends on where (or whether) the system mounted
// it: for v1 the kernel attaches the mount to the existing hierarchy of that controller.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/result.h"
#include "demo/deadline.h"
#include "demo/temp_dir.h"

namespace hangscope::demo {

/// Which hierarchy a Cgroup lives in.
enum class CgroupVersion { kV1, kV2 };

/// One cgroup made by a fixture, removed (with its view of the hierarchy) by remove(). Movable.
class Cgroup {
 public:
  Cgroup() = default;
  Cgroup(Cgroup&& o) noexcept;
  Cgroup& operator=(Cgroup&& o) noexcept;
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;
  ~Cgroup() { remove(Millis(2000)); }

  /// Mounts the hierarchy (v1: `mount -t cgroup -o CONTROLLER`; v2: `mount -t cgroup2`) on a new
  /// sub-directory of `dir`, then creates the cgroup `name` (which may contain '/': each level is
  /// created) below its root. Fails with a one-line error, e.g. "cgroup v1 freezer: mount: Device
  /// or resource busy" when the controller is bound to the v2 hierarchy.
  static Result<Cgroup> create(TempDir& dir, CgroupVersion version, const std::string& controller,
                               const std::string& name);

  /// The cgroup's directory in the fixture's view ("/tmp/hangscope-.../cgroup-freezer/NAME").
  const std::string& path() const { return path_; }
  /// The mount point of the fixture's view of the hierarchy.
  const std::string& view() const { return view_; }
  /// The cgroup as /proc/PID/cgroup names it ("/NAME").
  std::string name_in_hierarchy() const { return "/" + name_; }
  CgroupVersion version() const { return version_; }
  bool created() const { return !path_.empty(); }

  /// Moves process `pid` (all its threads) into the cgroup (writes cgroup.procs).
  Status add_process(pid_t pid) const;
  /// Writes `value` to the knob file `knob` of the cgroup ("freezer.state", "cgroup.freeze").
  Status write(const std::string& knob, const std::string& value) const;
  /// Reads the knob file `knob` (at most 4 KiB), trailing newline removed.
  Result<std::string> read(const std::string& knob) const;
  /// The absolute path of a knob file (for an emergency write).
  std::string knob_path(const std::string& knob) const { return path_ + "/" + knob; }

  /// Removes the cgroup's directories (innermost first; retried until `timeout` while killed
  /// processes leave it), then unmounts the view. Idempotent; fails when the cgroup still has
  /// processes at the deadline or a step fails (with the errno text).
  Status remove(Millis timeout);

 private:
  CgroupVersion version_ = CgroupVersion::kV1;
  std::string view_;  ///< mount point of our view of the hierarchy
  std::string name_;  ///< relative to the hierarchy root
  std::string path_;  ///< view_ + "/" + name_
  bool mounted_ = false;
};

/// Whether the cgroup `name` exists in the hierarchy (v1: of `controller`), looked up through a
/// view mounted and unmounted for the purpose. Fails when the hierarchy cannot be mounted.
Result<bool> cgroup_exists(CgroupVersion version, const std::string& controller,
                           const std::string& name);

}  // namespace hangscope::demo
