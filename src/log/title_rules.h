// Title rules: per header group, the ordered formats that turn a report into a syzkaller-style
// title. Internal to src/log (title.cc uses them).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "log/oops_header.h"
#include "log/title_stack.h"

namespace hangscope::log::rules {

/// Values captured from a title or report line (up to 4).
struct Caps {
  std::string_view v[4];
  int n = 0;
  void add(std::string_view s) {
    if (n < 4) v[n++] = s;
  }
};

using Lines = std::span<const std::string_view>;
using Frames = std::vector<std::string>;

/// One title format of a group.
struct TitleFormat {
  /// Matches the title on one line: the match column or npos; fills caps.
  std::size_t (*title)(std::string_view line, Caps& caps);
  /// Optional check over the report from the title line `at` on (replaces caps); false = the
  /// format does not apply.
  bool (*report)(Lines lines, std::size_t at, Caps& caps) = nullptr;
  /// Optional guilty-frame specification.
  const StackSpec* stack = nullptr;
  /// Builds the title from caps and frames.
  std::string (*format)(const Caps& caps, const Frames& frames) = nullptr;
  bool corrupted = false;
};

/// The formats of `g`, in priority order (empty for groups whose title is the raw line).
std::span<const TitleFormat> formats_for(OopsGroup g);

std::span<const TitleFormat> bug_formats();  // sanitizer_formats() first
std::span<const TitleFormat> sanitizer_formats();
std::span<const TitleFormat> warning_formats();
std::span<const TitleFormat> info_formats();
std::span<const TitleFormat> misc_formats(OopsGroup g);

// Helpers shared by the rule files.

/// Column of `lit` in `l` or npos.
inline std::size_t at(std::string_view l, std::string_view lit) { return l.find(lit); }
/// First frame or "corrupted".
inline std::string frame0(const Frames& f) { return f.empty() ? "corrupted" : f[0]; }
/// A function name right after `key` in `l` (syzkaller {{FUNC}}).
bool func_after(std::string_view l, std::string_view key, std::string_view& func);
/// "at: [<pc>] func+" / "at: func+" in `l`.
bool at_func(std::string_view l, std::string_view& func);
/// "[<pc>] +func+" anywhere in `l`.
bool pc_func(std::string_view l, std::string_view& func);
/// First line index > at satisfying pred, or lines.size().
template <typename Pred>
std::size_t find_after(Lines lines, std::size_t at, Pred pred) {
  for (std::size_t i = at + 1; i < lines.size(); ++i)
    if (pred(lines[i])) return i;
  return lines.size();
}
/// [a-z-]+ (plus spaces when `spaces`) starting at `pos`; empty when none.
std::string_view word_at(std::string_view l, std::size_t pos, bool spaces = false);

}  // namespace hangscope::log::rules
