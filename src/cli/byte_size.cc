#include "cli/byte_size.h"

#include <charconv>
#include <cmath>
#include <string>

namespace hangscope::cli {

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double n = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || p == text.data() || !(n >= 0)) return std::nullopt;
  std::string unit(p, end);
  if (unit.ends_with("iB"))
    unit.resize(unit.size() - 2);
  else if (unit.ends_with("B") && unit.size() > 1)
    unit.pop_back();
  double scale = 1;
  if (unit == "K" || unit == "k")
    scale = 1024.0;
  else if (unit == "M")
    scale = 1024.0 * 1024;
  else if (unit == "G")
    scale = 1024.0 * 1024 * 1024;
  else if (!unit.empty() && unit != "B")
    return std::nullopt;
  double bytes = std::floor(n * scale);
  if (bytes > std::ldexp(1.0, 60)) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace hangscope::cli
