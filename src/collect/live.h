// Live collection: BPF when possible, /proc otherwise, plus mounts, cgroups and kernel facts.
#pragma once

#include "core/result.h"
#include "model/snapshot.h"

namespace hangscope::collect {

struct LiveOptions {
  bool allow_bpf = true;  ///< false: /proc only (--no-bpf)
};

/// Collects a Snapshot of this machine. Degrades: without root/BTF/BPF it falls back to /proc and
/// says so in snapshot.notes. Fails only when neither works.
Result<model::Snapshot> collect_live(const LiveOptions& options);

}  // namespace hangscope::collect
