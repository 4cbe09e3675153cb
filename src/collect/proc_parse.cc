#include "collect/proc_parse.h"

#include <algorithm>
#include <charconv>

#include "core/lines.h"

namespace hangscope::collect {

std::vector<model::StackFrame> parse_proc_stack(std::string_view text) {
  std::vector<model::StackFrame> out;
  for_each_line(text, [&](std::string_view line) {
    size_t sp = line.find("] ");
    if (sp == std::string_view::npos) return;
    std::string_view sym = line.substr(sp + 2);
    model::StackFrame f;
    size_t plus = sym.find('+');
    f.symbol = std::string(sym.substr(0, plus));
    if (plus != std::string_view::npos) {
      std::string_view off = sym.substr(plus + 1);
      off = off.substr(0, off.find('/'));
      if (off.starts_with("0x")) off.remove_prefix(2);
      std::from_chars(off.data(), off.data() + off.size(), f.offset, 16);
    }
    if (size_t lb = sym.find('['); lb != std::string_view::npos) {
      size_t rb = sym.find(']', lb);
      if (rb != std::string_view::npos) f.module = std::string(sym.substr(lb + 1, rb - lb - 1));
    }
    if (!f.symbol.empty()) out.push_back(std::move(f));
  });
  return out;
}

}  // namespace hangscope::collect
