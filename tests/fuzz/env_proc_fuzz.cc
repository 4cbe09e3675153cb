// libFuzzer: the pure parsers of env collect (os-release, cpuinfo, meminfo, modules, mountinfo,
// taint, kernel config, tool banners, gzip) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "env/kconfig.h"
#include "env/proc_parse.h"
#include "env/version.h"
#include "kernel/taint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hangscope::env;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_os_release(text);
  CpuInfo cpu = parse_cpuinfo(text);
  if (cpu.count < 0) std::abort();
  (void)parse_meminfo_total_kib(text);
  (void)parse_modules(text);
  (void)parse_mountinfo_fstypes(text);
  if (auto mask = hangscope::kernel::taint_mask_from_proc(text))
    (void)hangscope::kernel::taint_letters(*mask);
  (void)hangscope::kernel::taint_mask_from_letters(text);
  (void)parse_kconfig(text);
  (void)config_hash(text);
  if (auto v = parse_tool_version(text); v && v->empty()) std::abort();
  (void)gunzip(text, 1u << 20);
  // Version order must be antisymmetric on any split of the input.
  std::string_view a = text.substr(0, size / 2), b = text.substr(size / 2);
  if (compare_versions(a, b) != -compare_versions(b, a)) std::abort();
  if (compare_versions(a, a) != 0) std::abort();
  return 0;
}
