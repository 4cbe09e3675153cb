// `hangscope watch --top`: the most contended locks with the kernel objects they live in
// (super_block s_umount/s_writers, inode i_rwsem, mm mmap_lock), like `perf lock contention -b -o`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/snapshot.h"
#include "watch/samples.h"

namespace hangscope::watch {

/// One row of the table.
struct TopRow {
  LockStat stat;        ///< ended waits plus the waits still in progress
  int in_progress = 0;  ///< waits on this lock not ended yet (counted with their time so far)
  std::string kind;     ///< lock_kind_name(stat.flags)
  std::string object;   ///< "super_block loop0 (ext4) s_umount on /mnt/x", "" when unknown
};

/// Names the object `s.lock` lives in, from a snapshot's super_blocks and the BPF candidates
/// (an inode candidate counts only when its i_sb is a known super_block). `pcpu_rwsem_size`
/// is sizeof(struct percpu_rw_semaphore) (0: only the first s_writers semaphore matches).
std::string lock_object_name(const LockStat& s, const model::Snapshot& snap,
                             std::uint64_t pcpu_rwsem_size);

/// The `limit` locks with the most total wait time, named. Waits still in progress at `now_ns`
/// are accounted with their time so far (a hung lock is at the top, not missing).
std::vector<TopRow> top_rows(std::vector<LockStat> stats, const std::vector<LockWait>& waits,
                             std::uint64_t now_ns, const model::Snapshot& snap,
                             std::uint64_t pcpu_rwsem_size, std::size_t limit);

/// The table as terminal text (comm and names escaped).
std::string top_text(const std::vector<TopRow>& rows, const TracerCounters& c,
                     double elapsed_seconds);

/// The table as one JSON object {"event":"top", ...}.
nlohmann::json top_json(const std::vector<TopRow>& rows, const TracerCounters& c,
                        double elapsed_seconds, const std::string& time);

}  // namespace hangscope::watch
