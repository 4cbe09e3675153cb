// What one sweep reads from the lock tracer: plain data, so the episode logic and the
// reports are testable from recorded events without BPF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hangscope::watch {

/// A task's current lock wait (from lock:contention_begin). Times are CLOCK_MONOTONIC ns.
struct LockWait {
  int pid = 0;
  int tgid = 0;
  std::string comm;         ///< raw bytes; escape before printing
  std::uint64_t lock = 0;   ///< kernel address of the lock
  std::uint32_t flags = 0;  ///< LCB_F_* bits (include/trace/events/lock.h)
  std::uint64_t start_ns = 0;
  std::uint64_t owner_word = 0;  ///< raw owner word, 0 when the lock type has none
  int owner_pid = 0;             ///< 0: no owner or unknown
  std::string owner_comm;
};

/// A long wait (>= the threshold) that ended since the last sweep, with what its
/// contention_begin recorded.
struct EndedWait {
  int pid = 0;
  std::uint64_t lock = 0;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  int tgid = 0;
  std::string comm;         ///< raw bytes; escape before printing
  std::uint32_t flags = 0;  ///< LCB_F_* bits
  int owner_pid = 0;        ///< 0: no owner or unknown
  std::string owner_comm;
};

/// Per-lock contention statistics since watch started (waits that ended).
struct LockStat {
  std::uint64_t lock = 0;
  std::uint64_t count = 0;
  std::uint64_t total_ns = 0;
  std::uint64_t max_ns = 0;
  std::uint32_t flags = 0;  ///< of the last contention
  int owner_pid = 0;        ///< owner at the last contention (0: none/unknown)
  std::string owner_comm;
  std::uint64_t cand_mm = 0;  ///< non-zero: lock is this mm's mmap_lock
  int cand_mm_tgid = 0;
  std::uint64_t cand_inode = 0;  ///< inode candidate (lock - offsetof(inode, i_rwsem))
  std::uint64_t cand_inode_sb = 0;
  std::uint64_t cand_inode_ino = 0;
  std::string cand_name;  ///< inode candidate: dentry name; mm: comm of a task using it
};

/// Tracer counters, summed over CPUs. Lost events are never silent: reports show them.
struct TracerCounters {
  std::uint64_t events = 0;         ///< contention_begin seen (after the spin filter)
  std::uint64_t lost_waits = 0;     ///< waits not recorded: per-task map full
  std::uint64_t lost_stats = 0;     ///< locks not counted: stats map full
  std::uint64_t lost_ended = 0;     ///< end times not recorded
  std::uint64_t spins_skipped = 0;  ///< spin-lock contentions filtered out (no --spin)
  std::uint64_t lost() const { return lost_waits + lost_stats + lost_ended; }
};

/// One sweep's reading.
struct TracerSample {
  std::uint64_t now_ns = 0;
  std::vector<LockWait> waits;
  std::vector<EndedWait> ended;
  TracerCounters counters;
};

/// "mutex", "rwsem", "percpu_rwsem", "rt_mutex", "spinlock", "rwlock", "semaphore" from
/// LCB_F_* flags (a semaphore's contention_begin passes no flags).
std::string_view lock_kind_name(std::uint32_t flags);

/// "read", "write" or "exclusive" (mutex, rt_mutex, semaphore, spinlock) from LCB_F_* flags.
std::string_view lock_mode_name(std::uint32_t flags);

}  // namespace hangscope::watch
