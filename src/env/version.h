// Version strings ordered as versions: 5.10 > 5.9, 5.3.0-51-generic >= 5.3.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hangscope::env {

/// True when `s` reads as a version or a number: it starts with a digit ("5.3", "19.03.6",
/// "5.3.0-51-generic", "7915"). Attributes whose every value is version-like are ordered.
bool is_version_like(std::string_view s);

/// Compares two version strings component by component: runs of digits compare as numbers
/// (so 5.10 > 5.9 and 19.03 == 19.3), runs of letters as text, and at the same place a number
/// sorts after text ("5.3.1" > "5.3rc"); other bytes (. - _ + ~ space) only split. A version
/// that is a strict prefix of another sorts first (5.3 < 5.3.0-51-generic, so a threshold
/// "kernel >= 5.3" holds for 5.3.0-51-generic). Pre-releases are not special: 5.3-rc1 > 5.3.
/// Returns <0, 0, >0. Never fails: any text is accepted.
int compare_versions(std::string_view a, std::string_view b);

/// Orders version strings for std::sort/std::map (compare_versions, ties broken by the text).
struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const {
    int c = compare_versions(a, b);
    return c != 0 ? c < 0 : a < b;
  }
};

}  // namespace hangscope::env
