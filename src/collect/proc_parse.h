// Pure parsers for /proc/PID files (stack; cgroup paths are parsed in kernel/cgroup_path.h). No I/O
// here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/proc_stat.h"
#include "core/result.h"
#include "model/snapshot.h"

namespace hangscope::collect {

/// Parses /proc/PID/stack ("[<0>] super_lock+0xf3/0x120") into frames (addr 0; symbol+offset).
std::vector<model::StackFrame> parse_proc_stack(std::string_view text);

}  // namespace hangscope::collect
