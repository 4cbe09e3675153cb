#include "collect/kallsyms.h"

#include <algorithm>
#include <charconv>

#include "collect/read_file.h"
#include "core/lines.h"

namespace hangscope::collect {

Kallsyms Kallsyms::parse(std::string_view text) {
  Kallsyms k;
  bool nonzero = false;
  for_each_line(text, [&](std::string_view line) {
    if (line.size() < 20 || line[16] != ' ' || line[18] != ' ') return;
    char type = line[17];
    if (type != 't' && type != 'T' && type != 'w' && type != 'W') return;
    std::uint64_t addr = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + 16, addr, 16);
    if (ec != std::errc() || p != line.data() + 16) return;
    std::string_view rest = line.substr(19);
    std::string_view name = rest.substr(0, rest.find_first_of(" \t"));
    std::string module;
    if (size_t lb = rest.find('['); lb != std::string_view::npos) {
      size_t rb = rest.find(']', lb);
      if (rb != std::string_view::npos) module = std::string(rest.substr(lb + 1, rb - lb - 1));
    }
    nonzero |= addr != 0;
    k.syms_.push_back({addr, std::string(name), std::move(module)});
  });
  if (!nonzero) k.syms_.clear();
  std::sort(k.syms_.begin(), k.syms_.end(),
            [](const Sym& a, const Sym& b) { return a.addr < b.addr; });
  return k;
}

Result<Kallsyms> Kallsyms::load() {
  auto text = read_small_file("/proc/kallsyms", 64u << 20);
  if (!text.ok()) return text.error();
  Kallsyms k = parse(*text);
  if (k.empty())
    return make_error("/proc/kallsyms: no usable addresses (kptr_restrict? not root?)");
  return k;
}

model::StackFrame Kallsyms::symbolize(std::uint64_t addr) const {
  model::StackFrame f;
  f.addr = addr;
  auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                             [](std::uint64_t a, const Sym& s) { return a < s.addr; });
  if (it == syms_.begin()) return f;
  --it;
  f.symbol = it->name;
  f.offset = addr - it->addr;
  f.module = it->module;
  return f;
}

}  // namespace hangscope::collect
