#include "env/kconfig.h"

#include <fmt/format.h>
#include <zlib.h>

#include <array>

#include "env/proc_parse.h"

namespace hangscope::env {

std::map<std::string, std::string> parse_kconfig(std::string_view text) {
  std::map<std::string, std::string> out;
  constexpr std::string_view kNotSet = " is not set";
  for (std::string_view line : split_lines(text)) {
    line = trim(line);
    if (line.starts_with("# CONFIG_") && line.ends_with(kNotSet)) {
      std::string_view name = line.substr(2, line.size() - 2 - kNotSet.size());
      if (name.find(' ') == std::string_view::npos) out[std::string(name)] = "n";
      continue;
    }
    if (!line.starts_with("CONFIG_")) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out[std::string(line.substr(0, eq))] = std::string(value);
  }
  return out;
}

bool is_fingerprint_config_item(std::string_view name) {
  static constexpr std::array<std::string_view, 21> kExact = {"CONFIG_LOCKDEP",
                                                              "CONFIG_PROVE_LOCKING",
                                                              "CONFIG_DEBUG_LOCK_ALLOC",
                                                              "CONFIG_BPF",
                                                              "CONFIG_BPF_SYSCALL",
                                                              "CONFIG_DEBUG_INFO_BTF",
                                                              "CONFIG_BPF_EVENTS",
                                                              "CONFIG_KPROBES",
                                                              "CONFIG_FTRACE",
                                                              "CONFIG_FUNCTION_TRACER",
                                                              "CONFIG_FUNCTION_GRAPH_TRACER",
                                                              "CONFIG_MODULES",
                                                              "CONFIG_KALLSYMS_ALL",
                                                              "CONFIG_IKCONFIG_PROC",
                                                              "CONFIG_FUSE_FS",
                                                              "CONFIG_NFSD",
                                                              "CONFIG_PREEMPT",
                                                              "CONFIG_PREEMPT_NONE",
                                                              "CONFIG_PREEMPT_VOLUNTARY",
                                                              "CONFIG_PREEMPT_DYNAMIC",
                                                              "CONFIG_PREEMPT_RT"};
  if (name.find("HUNG_TASK") != std::string_view::npos) return true;
  for (std::string_view e : kExact) {
    if (name == e) return true;
  }
  return false;
}

std::string config_hash(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;  // FNV-1a 64 prime
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

bool looks_gzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> gunzip(std::string_view bytes, size_t max_out) {
  if (!looks_gzipped(bytes)) return make_error("not gzip data (no 1f 8b magic)");
  z_stream s{};
  // 16 + MAX_WBITS: expect a gzip header.
  if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
    return make_error("zlib inflateInit2 failed");
  }
  std::string out;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  s.avail_in = static_cast<uInt>(bytes.size());
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    s.next_out = reinterpret_cast<Bytef*>(buf);
    s.avail_out = sizeof buf;
    rc = inflate(&s, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string why = s.msg ? s.msg : (rc == Z_BUF_ERROR ? "truncated data" : "corrupt data");
      inflateEnd(&s);
      return make_error(fmt::format("gzip: {}", why));
    }
    out.append(buf, sizeof buf - s.avail_out);
    if (out.size() > max_out) {
      inflateEnd(&s);
      return make_error(fmt::format("gzip: output larger than {} bytes", max_out));
    }
    if (rc == Z_OK && s.avail_in == 0 && s.avail_out != 0) {
      inflateEnd(&s);
      return make_error("gzip: truncated data");
    }
  }
  inflateEnd(&s);
  return out;
}

}  // namespace hangscope::env
