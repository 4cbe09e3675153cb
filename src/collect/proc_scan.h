// /proc fallback collection (no BPF, or not root): states, wchan, stacks when readable.
#pragma once

#include "core/result.h"
#include "model/snapshot.h"

namespace hangscope::collect {

/// Fills `snap.tasks` with every D, T and t task from /proc (stack when readable), and FUSE
/// daemons (tasks with /dev/fuse open, root only). Never reads cmdline/environ/maps.
/// Fails only when /proc itself cannot be listed.
Status collect_proc(model::Snapshot& snap);

}  // namespace hangscope::collect
