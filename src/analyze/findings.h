// Findings: what the analysis concludes from a Snapshot. Reporters render these.
#pragma once

#include <string>
#include <vector>

#include "core/maybe.h"
#include "kernel/cgroup_path.h"
#include "model/snapshot.h"

namespace hangscope::analyze {

/// A task as it appears in a chain (a copy of the fields reporters need).
struct TaskRef {
  int pid = 0;
  std::string comm;
  model::TaskState state = model::TaskState::unknown;
  Maybe<double> stuck_seconds;
  bool alive = true;           // false: the task no longer exists (exited, killed by an Oops)
  std::string stop_reason;     // "SIGSTOP", "ptrace"
  std::string death;           // why it died, when !alive
  kernel::CgroupOwner cgroup;  // container, pod, systemd unit from its cgroup path
  bool operator==(const TaskRef&) const = default;
};

/// The object a wait's lock belongs to, already described for people and JSON.
struct ObjectRef {
  model::ObjectType type = model::ObjectType::none;
  std::string summary;  // "super_block loop0 (fuseblk, mounted on /mnt/img)"
  std::vector<std::pair<std::string, std::string>>
      fields;  // ("s_id","loop0"), ("fs_type","fuseblk")...
  bool operator==(const ObjectRef&) const = default;
};

/// One step of a chain: `waiter` waits on `wait` (in `object`), held by `holders`.
struct Hop {
  TaskRef waiter;
  model::Wait wait;
  ObjectRef object;
  std::vector<TaskRef> holders;  // owners, FUSE daemons, uffd handlers; empty = no owner
  model::LockMode holder_mode = model::LockMode::unknown;
  std::string holder_note;  // "reader-owned, last reader X, may be stale", "frozen"
  bool operator==(const Hop&) const = default;
};

/// The kind of thing at the end of a chain.
enum class RootKind {
  stopped_task,    // a holder / daemon stopped by SIGSTOP or ptrace
  dead_owner,      // the owner died holding the lock: leaked
  frozen_fs,       // fsfreeze
  fuse_daemon,     // a FUSE daemon that does not answer (running or sleeping)
  uffd_handler,    // a userfaultfd handler that does not resolve the fault
  deadlock,        // a cycle
  running_owner,   // the owner runs: contention, not a hang
  leaked_to_user,  // the owner sleeps for user space: an earlier system call kept the lock
  blocked_owner,   // the chain ends at an owner blocked on something unknown
  no_owner,        // nobody holds it (reader-owned rwsem, I/O, unknown waits)
  unknown,
};

/// The verdict at the end of a chain.
struct RootCause {
  RootKind kind = RootKind::unknown;
  Maybe<int> pid;
  std::string summary;  // one sentence
  std::string remedy;   // a command or action
  bool operator==(const RootCause&) const = default;
};

/// The full wait-for chain from one stuck task to its root cause.
struct Chain {
  TaskRef stuck;
  std::vector<Hop> hops;
  RootCause root;
  std::vector<int> also_waiting;  // other stuck tasks waiting on the same first lock
  bool operator==(const Chain&) const = default;
};

/// A cycle of the wait-for graph (deadlock), members in order.
struct Cycle {
  std::vector<TaskRef> members;
  bool operator==(const Cycle&) const = default;
};

/// Everything the analysis found.
struct Findings {
  std::vector<Chain> chains;  // sorted by stuck time, longest first
  std::vector<Cycle> cycles;
  std::vector<std::string> notes;  // carried over from the snapshot, plus analysis caveats
  bool operator==(const Findings&) const = default;
};

}  // namespace hangscope::analyze
