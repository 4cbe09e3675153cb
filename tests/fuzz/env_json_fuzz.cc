// libFuzzer: the hangscope-env/1 fingerprint reader, its writer, and compare on what it read.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "env/compare.h"
#include "env/compare_report.h"
#include "env/fingerprint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hangscope::env;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fp = parse_fingerprint(text, "fuzz");
  if (!fp.ok()) {
    if (fp.error().message.find('\n') != std::string::npos) std::abort();  // one-line errors
    return 0;
  }
  // What was read must be written back as a fingerprint that reads the same.
  std::string again = to_json_text(*fp);
  auto back = parse_fingerprint(again, "fuzz-again");
  if (!back.ok() || to_json_text(*back) != again) std::abort();
  // Compare it against itself and an empty set: no crash, no separator on identical sides.
  Comparison same = compare_fingerprints({*fp}, {*fp});
  for (const auto& s : same.ranked) {
    if (s.separation() > 1e-9) std::abort();
  }
  Comparison c = compare_fingerprints({Fingerprint{}, *fp}, {*fp});
  (void)render_comparison_text(c, {{"g"}, {"b"}});
  (void)render_comparison_json(c, {{"g"}, {"b"}});
  return 0;
}
