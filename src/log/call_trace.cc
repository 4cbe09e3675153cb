#include "log/call_trace.h"

#include "log/text_match.h"

namespace hangscope::log {

namespace {

std::uint64_t parse_hex(std::string_view s, std::size_t& i) {
  std::uint64_t v = 0;
  if (s.substr(i, 2) == "0x") i += 2;
  std::size_t start = i;
  while (i < s.size() && (is_hex_digit(s[i]) || (s[i] >= 'A' && s[i] <= 'F')) && i - start < 16) {
    char c = s[i];
    v = v * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    ++i;
  }
  return v;
}

}  // namespace

bool parse_trace_frame(std::string_view s, model::StackFrame& out) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  model::StackFrame f;
  // "[<ffffffff81234567>] " (old kernels) possibly followed by "? ".
  if (i < s.size() && s[i] == '[') {
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '<') ++j;
    std::size_t k = j;
    std::uint64_t addr = parse_hex(s, k);
    if (k == j) return false;
    if (k < s.size() && s[k] == '>') ++k;
    if (k >= s.size() || s[k] != ']') return false;
    f.addr = addr;
    i = k + 1;
    while (i < s.size() && s[i] == ' ') ++i;
  }
  if (s.substr(i, 2) == "? ") {
    f.reliable = false;
    i += 2;
  }
  std::size_t b = i;
  while (i < s.size() && (is_ident_char(s[i]) || s[i] == '.')) ++i;
  if (i == b || i >= s.size() || s[i] != '+') return false;
  std::string_view name = s.substr(b, i - b);
  if (std::size_t dot = name.find('.'); dot != std::string_view::npos) name = name.substr(0, dot);
  if (name.empty()) return false;
  ++i;
  if (s.substr(i, 2) != "0x") return false;
  std::size_t before = i + 2;
  f.offset = parse_hex(s, i);
  if (i == before) return false;
  if (i < s.size() && s[i] == '/') {
    ++i;
    parse_hex(s, i);
  }
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size() && s[i] == '[') {
    std::size_t e = s.find(']', i);
    if (e != std::string_view::npos) {
      std::string_view mod = s.substr(i + 1, e - i - 1);
      if (std::size_t sp = mod.find(' '); sp != std::string_view::npos) mod = mod.substr(0, sp);
      f.module = std::string(mod);
    }
  }
  f.symbol = std::string(name);
  out = std::move(f);
  return true;
}

bool is_trace_marker(std::string_view s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s == "Call Trace:" || s == "Call trace:" || s == "<TASK>" || s == "</TASK>" ||
         s == "<IRQ>" || s == "</IRQ>" || s == "<NMI>" || s == "</NMI>" || s == "<EOI>" ||
         s == "<#DF>" || s == "</#DF>" || s == "<SOFTIRQ>" || s == "</SOFTIRQ>" ||
         s == "Backtrace:" || s.starts_with("---[ end trace") || s == "Code: Bad RIP value.";
}

bool is_register_line(std::string_view s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  if (s.size() < 4) return false;
  // "RAX: ", "R10: ", "RIP: ", "RSP: ", "EFLAGS: ", "Code: ", "FS: ", "CS: ", "CR2: ", "DR0: "
  std::size_t colon = s.find(": ");
  if (colon == std::string_view::npos || colon > 7) return false;
  std::string_view key = s.substr(0, colon);
  if (key == "Code" || key == "EFLAGS") return true;
  for (char c : key)
    if (!((c >= 'A' && c <= 'Z') || is_dec_digit(c))) return false;
  return key[0] == 'R' || key[0] == 'E' || key == "FS" || key == "GS" || key == "CS" ||
         key == "DS" || key == "ES" || key.starts_with("CR") || key.starts_with("DR");
}

}  // namespace hangscope::log
