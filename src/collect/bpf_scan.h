// Live collection with the scan.bpf.c iterators (libbpf CO-RE skeleton).
#pragma once

#include <functional>
#include <string>

#include "collect/kallsyms.h"
#include "core/result.h"
#include "model/snapshot.h"

namespace hangscope::collect {

/// Runs the BPF task and file iterators and fills `snap` (tasks, locks, super_blocks, inodes,
/// mms, FUSE connections, userfaultfds). Stacks are symbolized with the table `syms()` returns,
/// called only when some task has a stack (reading /proc/kallsyms costs tens of ms).
/// Fails (with libbpf's reason) when BPF cannot be loaded: no root, no BTF, old kernel.
Status collect_bpf(model::Snapshot& snap, const std::function<const Kallsyms&()>& syms);

}  // namespace hangscope::collect
