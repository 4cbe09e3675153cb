// Renders an env comparison as terminal text or JSON.
#pragma once

#include <string>
#include <vector>

#include "env/compare.h"

namespace hangscope::env {

/// What was compared, for the report header.
struct CompareInputs {
  std::vector<std::string> good_files, bad_files;
};

/// Text: the exact separators, then the partial ones ranked, each with its counts
/// ("kernel.release >= 5.3: bad 2/2, good 1/6") and the values seen; control bytes in values
/// are escaped. `top` limits the ranked rows (0 = all).
std::string render_comparison_text(const Comparison& c, const CompareInputs& in, size_t top = 0);

/// JSON, schema "hangscope-env-compare/1" (see docs/env.md).
std::string render_comparison_json(const Comparison& c, const CompareInputs& in);

/// `s` with bytes < 0x20 and 0x7f shown as \xNN (terminal-safe).
std::string escape_control(const std::string& s);

}  // namespace hangscope::env
