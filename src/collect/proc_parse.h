// Pure parsers for /proc/PID files (stat, stack, cgroup). No I/O here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "model/snapshot.h"

namespace hangscope::collect {

struct ProcStat {
  int pid = 0;
  std::string comm;  ///< raw bytes between the first '(' and the last ')'
  char state = '?';
  int ppid = 0;
  unsigned long long start_ticks = 0;  ///< field 22, clock ticks since boot
};

/// Parses /proc/PID/stat. Errors when the text is not in stat format.
Result<ProcStat> parse_proc_stat(std::string_view text);

/// Parses /proc/PID/stack ("[<0>] super_lock+0xf3/0x120") into frames (addr 0; symbol+offset).
std::vector<model::StackFrame> parse_proc_stack(std::string_view text);

/// The cgroup path from /proc/PID/cgroup (the v2 "0::" line, else the first line's path).
std::string parse_cgroup(std::string_view text);

/// "docker:<id12>", "containerd:<id12>", "podman:<id12>", "kubernetes:pod<uid>" when the cgroup
/// path names a container, else "".
std::string container_from_cgroup(std::string_view path);

}  // namespace hangscope::collect
