// DaemonHalt: the ways a FUSE daemon stops answering that production engineers meet, each made
// for real on a hangfs daemon, each with its undo. What the daemon looks like then (Linux 6.18
// and 6.1 alike unless noted; tests/live/fuse_daemon_halt_test.cc, tests/vm fixture_shapes.py):
//
// - kSigstop: SIGSTOP. `T`, wchan do_signal_stop.
// - kFreezerV1: moved into a new cgroup of the v1 freezer hierarchy, freezer.state=FROZEN (what
//   `docker pause` does on cgroup-v1 hosts). `D`, wchan __refrigerator <- get_signal (the freezer
//   interrupted its read of /dev/fuse). Not even SIGKILL ends it until the cgroup is thawed.
// - kFreezerV2: moved into a new cgroup-v2 cgroup, cgroup.freeze=1 (`docker pause` on cgroup-v2
//   hosts); cgroup.events reads "frozen 1". `S`, wchan get_signal: v2 freezes with a job-control
//   trap (do_freezer_trap, inlined), an interruptible sleep, not __refrigerator.
// - kPtraceStop: a tracer process attaches (PTRACE_SEIZE) and stops it (PTRACE_INTERRUPT), as a
//   debugger at a breakpoint. `t`, wchan ptrace_stop (6.1: ptrace_stop.part.0) <- get_signal;
//   TracerPid in /proc/PID/status is the tracer, itself S in do_wait.
// - kSpin: hangfs `--on-write spin`: the WRITE is read, then its thread spins on a CPU forever.
//   `R`, running in user space.
// - kSpinThrottled: as kSpin, inside a new cgroup of the v1 cpu hierarchy with
//   cpu.cfs_quota_us=1000 per 100000 us (1% of a CPU): `R`, but off the CPU most of the time;
//   cpu.stat's nr_throttled grows.
// - kSelfWrite: hangfs `--on-write self`: it serves the WRITE by writing to its own file through
//   its own mount and blocks on the inode's i_rwsem, held by the writer waiting for that WRITE.
//   `D`, wchan fuse_file_write_iter <- vfs_write <- pwrite64: a deadlock only an abort breaks.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "demo/cgroup.h"
#include "demo/deadline.h"
#include "demo/guardian.h"
#include "demo/hangfs_daemon.h"
#include "demo/ptrace_stop.h"
#include "demo/temp_dir.h"

namespace hangscope::demo {

enum class DaemonHalt {
  kSigstop,
  kFreezerV1,
  kFreezerV2,
  kPtraceStop,
  kSpin,
  kSpinThrottled,
  kSelfWrite,
};

/// "sigstop", "freezer-v1", ...: for messages and test names.
const char* daemon_halt_name(DaemonHalt halt);

/// The hangfs arguments a halt needs at start (`--on-write spin|self`), else none.
std::vector<std::string> hangfs_args_for(DaemonHalt halt);

/// True when the halt happens only once a WRITE reaches the daemon (spin, self-write): the
/// daemon must be running when the writer writes.
bool halts_on_write(DaemonHalt halt);

/// Applies one DaemonHalt to a running daemon and undoes it. Movable.
class DaemonHold {
 public:
  /// Halts `daemon` as `halt` says, waiting (bounded by `timeout`) until /proc shows it. For
  /// halts_on_write() kinds only the preparation happens here (the cpu cgroup for
  /// kSpinThrottled). Everything it makes is registered with `guardian` and lives in `dir`.
  static Result<DaemonHold> apply(DaemonHalt halt, HangfsDaemon& daemon, TempDir& dir,
                                  Guardian& guardian, Millis timeout);

  DaemonHalt halt() const { return halt_; }
  /// The cgroup the daemon was moved into (freezer or cpu), if any.
  const std::optional<Cgroup>& cgroup() const { return cgroup_; }
  /// The tracer's pid for kPtraceStop, else -1.
  pid_t tracer_pid() const { return tracer_ ? tracer_->tracer_pid() : -1; }

  /// Lifts the halt where that can be done without the daemon's cooperation: thaws the cgroup,
  /// ends the tracer, lifts the cpu quota. Idempotent.
  Status release(Millis timeout);
  /// After the daemon is gone: removes the cgroup and its hierarchy view. Idempotent.
  Status remove(Millis timeout);

 private:
  DaemonHalt halt_ = DaemonHalt::kSigstop;
  std::optional<Cgroup> cgroup_;
  std::optional<PtraceStop> tracer_;
  bool frozen_ = false;
};

}  // namespace hangscope::demo
