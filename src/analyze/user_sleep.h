// Where a task sleeps on behalf of user space (nanosleep, poll, wait4, futex...): kernel code
// that holds no lock of its caller while it sleeps there.
#pragma once

#include <string_view>

#include "model/snapshot.h"

namespace hangscope::analyze {

/// The frame of `task`'s stack (innermost first) that shows it asleep for user space, e.g.
/// "do_nanosleep" or "ep_poll"; empty when there is none (or no stack). Pure.
std::string_view user_space_sleep(const model::Task& task);

}  // namespace hangscope::analyze
