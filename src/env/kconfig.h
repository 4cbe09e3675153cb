// Kernel build configuration (/proc/config.gz, /boot/config-RELEASE): parsing and hashing.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hangscope::env {

/// Parses kernel .config text: "CONFIG_X=y" -> {"CONFIG_X", "y"}, "# CONFIG_X is not set" ->
/// {"CONFIG_X", "n"}; string values lose their quotes. Other lines are skipped. Never fails.
std::map<std::string, std::string> parse_kconfig(std::string_view text);

/// True for the options a fingerprint records: anything with HUNG_TASK in its name, lockdep
/// (LOCKDEP, PROVE_LOCKING, DEBUG_LOCK_ALLOC), BPF (BPF, BPF_SYSCALL, DEBUG_INFO_BTF,
/// BPF_EVENTS), KPROBES, FTRACE, FUNCTION_TRACER, FUNCTION_GRAPH_TRACER, MODULES, KALLSYMS_ALL,
/// IKCONFIG_PROC, the preemption model (PREEMPT, PREEMPT_NONE, PREEMPT_VOLUNTARY,
/// PREEMPT_DYNAMIC, PREEMPT_RT), FUSE_FS, NFSD.
bool is_fingerprint_config_item(std::string_view name);

/// A stable hash of the whole config text, "fnv1a64:" + 16 hex digits. Equal texts give equal
/// hashes; CRLF is not normalised (a config is LF text).
std::string config_hash(std::string_view text);

/// True when `bytes` starts with the gzip magic (1f 8b).
bool looks_gzipped(std::string_view bytes);

/// Decompresses gzip data with zlib. Output is capped at `max_out` bytes. Errors: not gzip,
/// corrupt or truncated data, output too large.
Result<std::string> gunzip(std::string_view bytes, size_t max_out = 64u << 20);

}  // namespace hangscope::env
