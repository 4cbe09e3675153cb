// The model: plain data describing a machine's (or a log's) stuck tasks, their locks and the
// kernel objects those locks live in. Collectors fill it; the analysis only reads it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/maybe.h"

namespace hangscope::model {

/// Scheduler state as shown in /proc/PID/stat's third field.
enum class TaskState {
  running,     // R
  sleeping,    // S (interruptible)
  disk_sleep,  // D (uninterruptible)
  stopped,     // T (SIGSTOP)
  traced,      // t (ptrace stop)
  zombie,      // Z
  dead,        // X, or a task that no longer exists (exited or killed by an Oops)
  idle,        // I
  unknown,
};

/// One kernel stack frame. `symbol` is empty when the address could not be symbolized.
struct StackFrame {
  std::uint64_t addr = 0;
  std::string symbol;        // function name, e.g. "rwsem_down_read_slowpath"
  std::uint64_t offset = 0;  // bytes into the function
  std::string module;        // "" for vmlinux, else the module name ("nfsd")
  bool reliable = true;      // false for "? func" frames in logs
  bool operator==(const StackFrame&) const = default;
};

/// What a task waits for.
enum class LockKind {
  mutex,
  rwsem,
  semaphore,
  percpu_rwsem,
  fuse_request,
  userfaultfd,
  folio_lock,
  io,
  completion,
  unknown,
};

/// How the lock is wanted (by a waiter) or held (by an owner).
enum class LockMode { read, write, exclusive, unknown };

/// How sure a wait or owner answer is, and how it was found.
enum class Confidence {
  certain,  // read from the kernel (task_struct.blocker, lock owner field, verified waiter)
  likely,   // inferred: knowledge table, log blocker line ("likely owned by"), stale reader owner
  guess,    // a best effort with little evidence
};

/// The kernel object a lock (or a wait) belongs to; fields are filled per type.
enum class ObjectType { none, super_block, inode, mm, fuse_conn, userfaultfd, global, unknown };

/// A wait of one task: filled by collectors from blocker fields, waiter records, wchan/stack.
struct Wait {
  LockKind kind = LockKind::unknown;
  LockMode mode = LockMode::unknown;
  Maybe<std::uint64_t> lock_addr;  // kernel address of the lock (or uffd ctx, fuse conn)
  std::string lock_name;           // "s_umount", "i_rwsem", "mmap_lock", "rtnl_mutex", ...
  ObjectType object_type = ObjectType::none;
  Maybe<std::uint64_t> object_addr;  // super_block / inode / mm_struct / userfaultfd_ctx address
  Maybe<std::uint32_t> fuse_conn;    // FUSE connection id for fuse_request waits
  std::string fuse_opcode;           // "DESTROY", "WRITE", ... when known
  Confidence confidence = Confidence::guess;
  std::string how_found;      // "task_struct.blocker", "knowledge table: iterate_supers"
  std::string wait_function;  // the innermost meaningful frame (wchan-like)
  bool operator==(const Wait&) const = default;
};

/// A lock whose state was read (live) or inferred (logs).
struct Lock {
  Maybe<std::uint64_t> addr;  // unknown for locks known only by name (kernel logs)
  LockKind kind = LockKind::unknown;
  std::string name;                 // "s_umount", ...
  Maybe<std::uint64_t> owner_task;  // task_struct address with flag bits masked; 0 = none
  Maybe<int> owner_pid;             // resolved owner pid (from task match, log line...)
  std::string owner_comm;           // last known comm of the owner, "" when unknown
  LockMode owner_mode = LockMode::unknown;
  bool reader_owned = false;  // RWSEM_READER_OWNED: last reader, may be stale
  bool owner_stale = false;   // owner_task now names a task that started after the
                              // wait began: the owner exited, its task_struct reused
  Maybe<std::int64_t> count;  // raw count word
  Confidence confidence = Confidence::guess;
  std::string how_found;  // "rw_semaphore.owner", "blocker line", "oops in vfs_get_super"
  bool operator==(const Lock&) const = default;
};

/// A task (thread). Pids are global (init namespace).
struct Task {
  int pid = 0;
  int tgid = 0;
  std::string comm;  // raw bytes; escape before printing
  TaskState state = TaskState::unknown;
  Maybe<double> stuck_seconds;     // seconds since it last ran (or since the wait began)
  Maybe<std::uint64_t> task_addr;  // task_struct address, to match lock owners
  Maybe<std::uint64_t> mm_addr;    // mm_struct address (0/unknown for kernel threads)
  std::vector<StackFrame> stack;   // innermost first
  Maybe<Wait> wait;                // what it waits on; unknown when not blocked
  std::string stop_reason;         // "SIGSTOP", "ptrace" for T/t tasks
  Maybe<std::string> cgroup;       // from /proc/PID/cgroup
  Maybe<std::string> container;    // "docker:0123abcd..." when recognised
  std::string death;               // why a dead task died ("Oops: NULL pointer ... at 12.3 s")
  bool operator==(const Task&) const = default;
};

/// A mounted (or being-mounted) filesystem instance.
struct SuperBlock {
  std::uint64_t addr = 0;
  std::string s_id;                       // "loop0", "sda1", "fuse", "nfsd"
  std::string fs_type;                    // "fuseblk", "ext4"
  Maybe<std::uint32_t> dev;               // s_dev (kernel encoding, major<<20|minor)
  std::vector<std::string> mount_points;  // from /proc/self/mountinfo
  Maybe<std::uint64_t> s_umount_addr;
  Maybe<std::uint64_t> s_writers_addr;  // address of s_writers (the freeze rw-semaphores)
  Maybe<int> frozen;                    // s_writers.frozen: 0 = not frozen
  bool operator==(const SuperBlock&) const = default;
};

/// An inode whose i_rwsem is involved in a wait.
struct Inode {
  std::uint64_t addr = 0;
  Maybe<std::uint64_t> ino;
  Maybe<std::uint64_t> sb_addr;
  std::string name;  // dentry name, "" when unknown
  Maybe<std::uint64_t> i_rwsem_addr;
  bool operator==(const Inode&) const = default;
};

/// A process address space whose mmap_lock is involved in a wait.
struct MmStruct {
  std::uint64_t addr = 0;
  Maybe<std::uint64_t> mmap_lock_addr;
  std::vector<int> tgids;  // processes using it
  bool operator==(const MmStruct&) const = default;
};

/// A FUSE connection (id = /sys/fs/fuse/connections/ID = the mount's s_dev).
struct FuseConn {
  std::uint32_t id = 0;
  std::vector<int> daemon_pids;  // tasks holding a /dev/fuse file of this connection
  std::string abort_path;        // /sys/fs/fuse/connections/ID/abort
  bool operator==(const FuseConn&) const = default;
};

/// A userfaultfd context with the tasks that can resolve its faults.
struct Userfaultfd {
  std::uint64_t ctx_addr = 0;
  std::vector<int> handler_pids;  // tasks holding the uffd file
  bool operator==(const Userfaultfd&) const = default;
};

/// A named global lock (kallsyms data symbol, log text).
struct GlobalLock {
  std::uint64_t addr = 0;
  std::string name;  // "rtnl_mutex"
  bool operator==(const GlobalLock&) const = default;
};

/// Facts about the kernel and the collection itself.
struct KernelInfo {
  std::string release;               // uname -r, or from the log
  Maybe<bool> has_blocker_field;     // task_struct.blocker exists
  Maybe<std::string> taint;          // as the source printed it: "0x80" (/proc), "G D" (log)
  Maybe<std::uint64_t> taint_flags;  // the taint mask (TAINT_* bits, kernel/taint.h)
  bool operator==(const KernelInfo&) const = default;
};

/// A kernel-log report attached to a snapshot (Oops, hung task...), kept small for the model;
/// the log parser has the full structure.
struct LogEvent {
  std::string kind;   // "oops", "hung_task", "warning", "lockdep", ...
  std::string title;  // syzkaller-compatible title
  Maybe<int> pid;
  std::string comm;
  Maybe<double> timestamp;  // seconds since boot
  std::vector<StackFrame> stack;
  bool operator==(const LogEvent&) const = default;
};

/// The question a collection answered, kept so a saved snapshot replays to the same report.
struct Query {
  int pid = 0;                     // `why PID`; 0 = every stuck task (`scan`)
  double min_stuck_seconds = 1.0;  // `scan --min`
  bool operator==(const Query&) const = default;
};

/// Everything one collection saw. Plain data: serializable to JSON and back without loss.
struct Snapshot {
  std::string source;  // "bpf", "proc", "log", "json"
  Query query;
  std::string machine;           // one-line fingerprint of the machine it ran on
  Maybe<double> uptime_seconds;  // when taken
  KernelInfo kernel;
  std::vector<Task> tasks;
  std::vector<Lock> locks;
  std::vector<SuperBlock> super_blocks;
  std::vector<Inode> inodes;
  std::vector<MmStruct> mms;
  std::vector<FuseConn> fuse_conns;
  std::vector<Userfaultfd> userfaultfds;
  std::vector<GlobalLock> globals;
  std::vector<LogEvent> log_events;
  std::vector<std::string> notes;  // degradations: "no BPF: /proc fallback (not root)"
  bool operator==(const Snapshot&) const = default;
};

}  // namespace hangscope::model
