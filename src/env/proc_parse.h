// Pure parsers for the text files env collect reads (/etc/os-release, /proc/cpuinfo, ...).
// No I/O here: the probes read the files, tests feed fixture text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hangscope::env {

/// os-release(5) KEY=VALUE lines: quotes ('' and "") and backslash escapes removed, comments and
/// malformed lines skipped, CRLF accepted. Never fails; garbage yields an empty map.
std::map<std::string, std::string> parse_os_release(std::string_view text);

/// What /proc/cpuinfo says about the CPUs.
struct CpuInfo {
  std::string model;  ///< "model name" (x86), else "Hardware"/"cpu model"/"uarch"; may be empty
  int count = 0;      ///< number of "processor" entries (0 when none were found)
  bool hypervisor = false;  ///< the x86 "hypervisor" flag: running under some hypervisor
};

/// Parses /proc/cpuinfo text (x86, arm64, riscv, mips layouts). Never fails.
CpuInfo parse_cpuinfo(std::string_view text);

/// MemTotal from /proc/meminfo in KiB, or nullopt when absent or unreadable.
std::optional<uint64_t> parse_meminfo_total_kib(std::string_view text);

/// Module names from /proc/modules (first field of each line), sorted, unique.
std::vector<std::string> parse_modules(std::string_view text);

/// Filesystem types from /proc/self/mountinfo (the field after " - "), sorted, unique.
/// Lines without the separator are skipped.
std::vector<std::string> parse_mountinfo_fstypes(std::string_view text);

/// The version in a tool's `--version` output: the first word that starts with a digit and holds
/// a dot, a leading 'v' dropped and cut at the first byte outside [0-9A-Za-z.+~-]
/// ("GNU bash, version 5.2.15(1)-release" -> "5.2.15", "Docker version 19.03.8, build" ->
/// "19.03.8", "containerd github.com/containerd/containerd v1.6.20 x" -> "1.6.20").
/// nullopt when there is none.
std::optional<std::string> parse_tool_version(std::string_view output);

/// Splits text into lines, dropping a trailing '\r' on each.
std::vector<std::string_view> split_lines(std::string_view text);

/// `s` without leading and trailing blanks (space, tab, CR, LF).
std::string_view trim(std::string_view s);

}  // namespace hangscope::env
