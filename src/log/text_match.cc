#include "log/text_match.h"

#include <algorithm>
#include <cstring>

#include "log/literal_scan.h"

namespace hangscope::log {

bool match_func(std::string_view s, std::size_t& pos, std::string_view& name) {
  std::size_t i = pos;
  while (i < s.size() && is_ident_char(s[i])) ++i;
  if (i == pos || i >= s.size() || (s[i] != '.' && s[i] != '+')) return false;
  name = s.substr(pos, i - pos);
  pos = i;
  return true;
}

bool match_pc(std::string_view s, std::size_t& pos) {
  std::size_t i = pos;
  if (i >= s.size() || s[i] != '[') return false;
  ++i;
  if (i < s.size() && s[i] == '<') ++i;
  if (i + 1 < s.size() && s[i] == '0' && s[i + 1] == 'x') i += 2;
  std::size_t d = i;
  while (i < s.size() && is_hex_digit(s[i])) ++i;
  if (i == d) return false;
  if (i < s.size() && s[i] == '>') ++i;
  if (i >= s.size() || s[i] != ']') return false;
  pos = i + 1;
  return true;
}

bool find_src(std::string_view s, std::size_t from, std::string_view& src, std::size_t* at) {
  // [a-zA-Z0-9-_/.]+\.[a-z]+:[0-9]+
  for (std::size_t colon = s.find(':', from); colon != std::string_view::npos;
       colon = s.find(':', colon + 1)) {
    std::size_t e = colon + 1;
    while (e < s.size() && is_dec_digit(s[e])) ++e;
    if (e == colon + 1) continue;
    std::size_t b = colon;
    while (b > from && ((s[b - 1] >= 'a' && s[b - 1] <= 'z'))) --b;
    if (b == colon || b == from || s[b - 1] != '.') continue;
    std::size_t dot = b - 1;
    b = dot;
    while (b > from &&
           (is_ident_char(s[b - 1]) || s[b - 1] == '-' || s[b - 1] == '/' || s[b - 1] == '.'))
      --b;
    if (b == dot) continue;
    src = s.substr(b, e - b);
    if (at) *at = b;
    return true;
  }
  return false;
}

int match_frame_line(std::string_view line, std::string_view& f1, std::string_view& f2) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  std::size_t start = i;
  // ARM: "[<c0123>] (caller) from [<c0456>] (callee+0x1/0x2)"
  if (match_pc(line, i) && i + 2 < line.size() && line[i] == ' ' && line[i + 1] == '(') {
    std::size_t b = i + 2, e = b;
    while (e < line.size() && (is_ident_char(line[e]) || line[e] == '.')) ++e;
    if (e > b && line.substr(e, 8) == ") from [") {
      std::size_t j = e + 7;
      if (match_pc(line, j) && line.substr(j, 2) == " (") {
        j += 2;
        std::string_view callee;
        if (match_func(line, j, callee)) {
          f1 = line.substr(b, e - b);
          f2 = callee;
          return 2;
        }
      }
    }
  }
  i = start;
  for (int k = 0; k < 2; ++k) {
    std::size_t j = i;
    if (match_pc(line, j) && j < line.size() && line[j] == ' ')
      i = j + 1;
    else
      break;
  }
  return match_func(line, i, f1) ? 1 : 0;
}

namespace {

// The part after "IP", "NIP", "pc ", "PC is at": ":? " then a function, 0x address or (null).
int match_rip_tail(std::string_view s, std::size_t i, std::string_view& func) {
  if (i < s.size() && s[i] == ':') ++i;
  if (i >= s.size() || s[i] != ' ') return 0;
  ++i;
  std::size_t base = i;  // after an optional "0010:" code segment
  bool has_cs = false;
  {
    std::size_t j = i;
    while (j < s.size() && is_dec_digit(s[j])) ++j;
    if (j > i && j < s.size() && s[j] == ':') base = j + 1, has_cs = true;
  }
  std::size_t j = base;
  for (int k = 0; k < 2; ++k) {
    std::size_t t = j;
    if (!match_pc(s, t) || t >= s.size() || s[t] != ' ') break;
    while (t < s.size() && s[t] == ' ') ++t;
    j = t;
  }
  if (match_func(s, j, func)) return 2;
  if (s.substr(base, 2) == "0x" && base + 2 < s.size() && is_hex_digit(s[base + 2])) return 1;
  j = base;
  if (match_pc(s, j) && contains(s.substr(j, 24), "(null)")) return 1;
  if (has_cs) {
    std::size_t t = base;
    while (t < s.size() && s[t] == ' ') ++t;
    if (t > base && s.substr(t, 6) == "(null)") return 1;
  }
  return 0;
}

}  // namespace

int match_rip_line(std::string_view s, std::string_view& func) {
  // Leftmost occurrence of any key wins, as with an alternation regex.
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    char c = s[i];
    int r = 0;
    if (c == 'I' && s[i + 1] == 'P') {
      r = match_rip_tail(s, i + 2, func);
    } else if (c == 'N' && s.substr(i, 3) == "NIP") {
      r = match_rip_tail(s, i + 3, func);
    } else if (c == 'p' && s[i + 1] == 'c' && s[i + 2] == ' ') {
      r = match_rip_tail(s, i + 3, func);
      if (!r) r = match_rip_tail(s, i + 2, func);
    } else if (c == 'P' && s.substr(i, 8) == "PC is at") {
      r = match_rip_tail(s, i + 8, func);
    }
    if (r) return r;
  }
  return 0;
}

bool is_call_trace_line(std::string_view l) {
  return contains(l, "Call Trace:") || contains(l, "Call trace:") || contains(l, "Backtrace:");
}

namespace {
// Four-byte heads of every key below: a line holding none of them starts no stack.
const LiteralScanner& stack_start_scanner() {
  static const std::string_view kHeads[] = {"Call", "Allo", "Free", "Back", "Unin", " bac", "stat"};
  static const LiteralScanner scanner(kHeads);
  return scanner;
}
}  // namespace

bool is_stack_start(std::string_view l) {
  if (!l.empty() && l[0] == ' ') {  // indented: frames, except kmemleak's "  backtrace:"
    std::size_t i = l.find_first_not_of(' ');
    if (i == std::string_view::npos) return false;
    std::string_view r = l.substr(i);
    if (!r.starts_with("backtrace") && !r.starts_with("Call ")) return false;
  }
  if (stack_start_scanner().find(l, 0) == LiteralScanner::npos) return false;
  for (std::size_t c = l.find('C'); c != std::string_view::npos; c = l.find('C', c + 1)) {
    std::string_view r = l.substr(c);
    if (r.starts_with("Call Trace") || r.starts_with("Call trace")) return true;
  }
  if (l.find(':') == std::string_view::npos) return false;  // every other start has a colon
  if (contains(l, "Allocated:") || contains(l, "Freed:") || contains(l, "Backtrace:") ||
      contains(l, "Uninit was stored to memory at"))
    return true;
  for (std::string_view key :
       {std::string_view("Allocated by task "), std::string_view("Freed by task ")}) {
    std::size_t p = l.find(key);
    if (p != std::string_view::npos) {
      std::size_t i = p + key.size(), d = i;
      while (i < l.size() && is_dec_digit(l[i])) ++i;
      if (i > d && i < l.size() && l[i] == ':') return true;
    }
  }
  std::size_t b = l.find(" backtrace");
  while (b != std::string_view::npos) {
    if (b > 0 && l[b - 1] != 'k') {
      std::size_t i = b + 10;
      if (i < l.size() && l[i] == ':') return true;
      if (l.substr(i, 6) == " (crc ") {
        std::size_t e = l.find(')', i);
        if (e != std::string_view::npos && e + 1 < l.size() && l[e + 1] == ':') return true;
      }
    }
    b = l.find(" backtrace", b + 1);
  }
  return contains(l, "status: ") && contains(l, " badaddr: ") && contains(l, " cause: ");
}

namespace {
std::uint32_t load_head(const char* p) {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
std::uint32_t head_slot(std::uint32_t w) { return (w * 0x9E3779B1u) >> 20; }  // 12 bits
}  // namespace

void SkipList::Patterns::add(std::string_view p) {
  bool pre = p.starts_with('^'), suf = p.ends_with('$');
  if (pre) p.remove_prefix(1);
  if (suf) p.remove_suffix(1);
  if (pre && suf)
    exact.push_back(p);
  else if (pre)
    prefix.push_back(p);
  else if (suf)
    suffix.push_back(p);
  else
    substr.push_back(p);
  if (pre || suf) return;
  if (p.size() < 4) {
    short_substr_.push_back(p);
    return;
  }
  std::uint32_t w = load_head(p.data());
  std::uint32_t h = head_slot(w);
  head_bits_[h >> 6] |= std::uint64_t{1} << (h & 63);
  auto at = std::upper_bound(heads_.begin(), heads_.end(), w,
                             [](std::uint32_t v, const auto& e) { return v < e.first; });
  heads_.insert(at, {w, p});
}

bool SkipList::Patterns::matches(std::string_view f) const {
  for (std::string_view p : exact)
    if (f == p) return true;
  for (std::string_view p : prefix)
    if (f.starts_with(p)) return true;
  for (std::string_view p : suffix)
    if (f.ends_with(p)) return true;
  for (std::string_view p : short_substr_)
    if (contains(f, p)) return true;
  for (std::size_t i = 0; i + 4 <= f.size(); ++i) {
    std::uint32_t w = load_head(f.data() + i);
    std::uint32_t h = head_slot(w);
    if (!(head_bits_[h >> 6] >> (h & 63) & 1)) continue;
    auto it = std::lower_bound(heads_.begin(), heads_.end(), w,
                               [](const auto& e, std::uint32_t v) { return e.first < v; });
    for (; it != heads_.end() && it->first == w; ++it)
      if (f.substr(i, it->second.size()) == it->second) return true;
  }
  return false;
}

namespace {

// The common patterns and their memo, shared by every SkipList.
bool common_skips(std::string_view f) {
  static const SkipList::Patterns common = [] {
    SkipList::Patterns p;
    for (std::string_view c : common_skip_patterns()) p.add(c);
    return p;
  }();
  static SkipList::Memo memo(16384);
  return memo.get(f, [](std::string_view n) { return common.matches(n); });
}

}  // namespace

SkipList::SkipList(std::initializer_list<std::string_view> extra, bool with_common)
    : with_common_(with_common) {
  for (std::string_view p : extra) own_.add(p);
}

bool SkipList::skips(std::string_view f) const {
  if (own_.size() == 0) return with_common_ && common_skips(f);
  return memo_.get(f, [this](std::string_view n) {
    return (with_common_ && common_skips(n)) || own_.matches(n);
  });
}

std::string_view strip_syscall_prefix(std::string_view frame) {
  static constexpr std::string_view kPrefixes[] = {
      "SYSC_",     "SyS_",      "sys_",         "__x64_",      "__ia32_",
      "__arm64_",  "____sys_",  "___sys_",      "__sys_",      "__se_",
      "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_"};
  std::string_view best = frame;
  // Every prefix starts with one of these bytes (saves 15 compares for most frames).
  if (frame.empty() ||
      (frame[0] != '_' && frame[0] != 'S' && frame[0] != 's' && frame[0] != 'c' && frame[0] != 'k'))
    return best;
  for (std::string_view p : kPrefixes)
    if (frame.starts_with(p) && frame.size() - p.size() < best.size())
      best = frame.substr(p.size());
  return best;
}

}  // namespace hangscope::log
