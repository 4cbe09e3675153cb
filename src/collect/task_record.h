// Decoding one full task record of scan.bpf.c (hs_task_full) into a model Task, without its wait.
#pragma once

#include <linux/types.h>

#include "collect/kallsyms.h"
#include "model/snapshot.h"
#include "scan.h"

namespace hangscope::collect {

/// The task `f` describes: ids, comm, state, time since it last ran, addresses, its kernel stack
/// symbolized with `syms` (raw addresses when `syms` is empty) and why it is stopped. The wait is
/// left unset: it needs the whole scan (lock_record.h, waiter_record.h).
model::Task task_from_record(const hs_task_full& f, const Kallsyms& syms);

}  // namespace hangscope::collect
