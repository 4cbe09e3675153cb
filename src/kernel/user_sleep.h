// Where a task sleeps on behalf of user space (nanosleep, poll, wait4, futex...): kernel code
// that holds no lock of its caller while it sleeps there.
#pragma once

#include <string_view>
#include <vector>

#include "model/snapshot.h"

namespace hangscope::kernel {

/// The frame of `stack` (innermost first) that shows its task asleep for user space, e.g.
/// "do_nanosleep" or "ep_poll"; empty when there is none (or no stack).
std::string_view user_space_sleep(const std::vector<model::StackFrame>& stack);

}  // namespace hangscope::kernel
