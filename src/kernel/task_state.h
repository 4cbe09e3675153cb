// Task states as the kernel stores them (task_struct.__state, exit_state): the bits are shared with
// the BPF programs through bpf/task_state_bits.h.
#pragma once

#include <cstdint>

#include "model/snapshot.h"

namespace hangscope::kernel {

/// The /proc-style state of a task from its raw `__state` and `exit_state` words, in the order
/// fs/proc/array.c reports them: exit states first, TASK_IDLE as `idle` (I) rather than D.
/// Returns TaskState::unknown for a word with none of the bits named here.
model::TaskState task_state_from_kernel(std::uint32_t state, std::uint32_t exit_state);

/// True for a task in D state that counts as blocked: TASK_UNINTERRUPTIBLE without TASK_NOLOAD
/// (the same test the BPF scan uses to decide which tasks get a full record).
bool task_blocked(std::uint32_t state);

}  // namespace hangscope::kernel
