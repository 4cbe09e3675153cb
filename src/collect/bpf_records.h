// Decoding scan.bpf.c's records into a Snapshot. Pure (no BPF calls): testable from bytes.
#pragma once

#include <linux/types.h>

#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

#include "collect/kallsyms.h"
#include "model/snapshot.h"
#include "scan.h"

namespace hangscope::collect {

/// Everything one scan read from BPF, before interpretation.
struct RawScan {
  std::vector<hs_task_brief> briefs;  ///< every task (full ones too)
  std::vector<hs_task_full> fulls;    ///< D/T/t tasks and the pids asked for
  std::vector<hs_super_block> sbs;
  std::vector<hs_file_hold> holds;
  std::vector<hs_uffd_wait> uffd_waits;
  hs_offsets offsets{};          ///< field offsets for recovered wait-list heads
  std::set<__u32> recovery_ran;  ///< pids recover.bpf.c looked at
  unsigned dropped = 0;          ///< records the BPF side could not store
  size_t truncated_bytes = 0;    ///< trailing bytes that did not form a record
  /// ns by which sched_clock (sched_info.last_arrival) may run behind ktime (start_time): an
  /// upper bound measured on the scanning thread; 0 when unknown. Negative: runs ahead.
  std::int64_t sched_clock_lag_ns = 0;
};

/// Appends the records in `bytes` (iter/task output) to `raw`.
void decode_task_records(std::string_view bytes, RawScan& raw);

/// Pids of tasks that need a full record but have none: lock owners, FUSE daemons, uffd holders.
std::set<__u32> tasks_to_follow(const RawScan& raw);

/// Adds `second`'s full records for `wanted` pids to `raw`.
void merge_full_records(RawScan& raw, const RawScan& second, const std::set<__u32>& wanted);

/// Interprets `raw` into `snap`: tasks (task_record.h), their waits from task_struct.blocker or a
/// recovered waiter record and the locks' owners (lock_record.h, waiter_record.h), and the objects
/// (object_records.h). Appends a note for each task whose lock could not be recovered.
void build_snapshot(const RawScan& raw, const Kallsyms& syms, model::Snapshot& snap);

}  // namespace hangscope::collect
