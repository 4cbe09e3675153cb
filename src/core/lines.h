// Iterating over the lines of a text without copying it.
#pragma once

#include <string_view>

namespace hangscope {

/// Calls `fn(line)` for every '\n'-separated line of `text` (without the '\n'; a final line
/// without one is included; no call for an empty text).
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(pos, end - pos));
    pos = end + 1;
  }
}

}  // namespace hangscope
