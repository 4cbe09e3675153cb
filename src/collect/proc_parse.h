// Pure parsers for /proc/PID files (stat, stack, cgroup). No I/O here.
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

/// The cgroup path from /proc/PID/cgroup (the v2 "0::" line, else the first line's path).
std::string parse_cgroup(std::string_view text);

/// "docker:<id12>", "containerd:<id12>", "podman:<id12>", "kubernetes:pod<uid>" when the cgroup
/// path names a container, else "".
std::string container_from_cgroup(std::string_view path);

}  // namespace hangscope::collect
