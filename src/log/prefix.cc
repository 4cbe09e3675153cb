#include "log/prefix.h"

#include <cstring>

namespace hangscope::log {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "[ T123]" / "[C0]" at the start of s.
bool parse_caller_id(std::string_view s, LineContext& ctx, std::size_t& consumed) {
  if (s.size() < 4 || s[0] != '[') return false;
  std::size_t i = 1;
  while (i < s.size() && s[i] == ' ') ++i;
  if (i >= s.size() || (s[i] != 'T' && s[i] != 'C')) return false;
  ContextKind kind = s[i] == 'T' ? ContextKind::task : ContextKind::cpu;
  ++i;
  std::int64_t id = 0;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i]) && digits < 10) {
    id = id * 10 + (s[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0 || i >= s.size() || s[i] != ']') return false;
  ctx.kind = kind;
  ctx.id = static_cast<std::int32_t>(id);
  consumed = i + 1;
  return true;
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

bool is_month(std::string_view s) {
  if (s.size() < 4 || s[3] != ' ' || s[0] < 'A' || s[0] > 'S') return false;
  for (const char* m : kMonths)
    if (std::memcmp(s.data(), m, 3) == 0) return true;
  return false;
}

bool is_day(std::string_view s) {
  if (s.size() < 4 || s[3] != ' ' || s[0] < 'F' || s[0] > 'W') return false;
  for (const char* d : kDays)
    if (std::memcmp(s.data(), d, 3) == 0) return true;
  return false;
}

// "[Mon Nov 25 15:12:12 2026]" (dmesg -T); returns bytes consumed or 0.
std::size_t parse_wallclock_bracket(std::string_view s) {
  if (s.size() < 26 || s[0] != '[' || !is_day(s.substr(1)) || !is_month(s.substr(5))) return 0;
  std::size_t close = s.find(']');
  if (close == std::string_view::npos || close > 40) return 0;
  return close + 1;
}

// Journald/syslog header up to and including "kernel: "; returns bytes consumed or 0.
// `is_header` is set when the line has a syslog header at all (kernel or not).
std::size_t parse_syslog_header(std::string_view s, bool& is_header) {
  is_header = false;
  bool dated = false;
  if (is_month(s) && s.size() > 15 && s[9] == ':') {
    dated = true;  // "Nov 25 15:12:12"
  } else if (s.size() > 20 && is_digit(s[0]) && is_digit(s[3]) && s[4] == '-' && s[7] == '-' &&
             (s[10] == 'T' || s[10] == ' ') && s[13] == ':') {
    dated = true;  // "2026-11-25T15:12:12"
  }
  if (!dated) return 0;
  is_header = true;
  std::string_view head = s.substr(0, 160);
  std::size_t k = head.find(" kernel: ");
  if (k == std::string_view::npos) return 0;
  return k + 9;
}

}  // namespace

namespace {

// parse_printk_timestamp; `seconds` is only computed when `compute` (the division is most of
// the cost of a line's prefix).
bool parse_timestamp(std::string_view s, double& seconds, std::size_t& consumed, bool compute) {
  if (s.size() < 4 || s[0] != '[') return false;
  std::size_t i = 1;
  while (i < s.size() && s[i] == ' ') ++i;
  std::uint64_t whole = 0;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i]) && digits < 12) {
    whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0 || i >= s.size() || s[i] != '.') return false;
  ++i;
  std::uint64_t frac = 0;
  std::uint64_t scale = 1;
  std::size_t fdigits = 0;
  while (i < s.size() && is_digit(s[i]) && fdigits < 9) {
    frac = frac * 10 + static_cast<std::uint64_t>(s[i] - '0');
    scale *= 10;
    ++i;
    ++fdigits;
  }
  if (fdigits == 0 || i >= s.size() || s[i] != ']') return false;
  seconds =
      compute ? static_cast<double>(whole) + static_cast<double>(frac) / static_cast<double>(scale)
              : 0;
  consumed = i + 1;
  return true;
}

}  // namespace

bool parse_printk_timestamp(std::string_view s, double& seconds, std::size_t& consumed) {
  return parse_timestamp(s, seconds, consumed, true);
}

LogLine strip_prefix(std::string_view raw, bool want_timestamp) {
  LogLine out;
  std::string_view s = raw;
  // syzbot: "** 12 printk messages dropped ** [  12.3] ..."
  if (s.size() > 3 && s[0] == '*' && s[1] == '*' && s[2] == ' ') {
    std::size_t e = s.find(" ** ", 3);
    if (e != std::string_view::npos && e < 64) s.remove_prefix(e + 4);
  }
  bool is_header = false;
  if (std::size_t n = parse_syslog_header(s, is_header)) {
    s.remove_prefix(n);
    out.context.kind = ContextKind::console;
  } else if (is_header) {
    out.text = s;  // a syslog line from a user-space program
    return out;
  }
  // "<6>" level.
  if (s.size() > 2 && s[0] == '<' && is_digit(s[1])) {
    std::size_t i = 1;
    int level = 0;
    while (i < s.size() && i < 5 && is_digit(s[i])) level = level * 10 + (s[i++] - '0');
    if (i < s.size() && s[i] == '>') {
      out.level = level;
      s.remove_prefix(i + 1);
    }
  }
  bool matched = false;
  std::size_t n = 0;
  if (!s.empty() && s[0] == '[') {
    double ts = 0;
    if (parse_timestamp(s, ts, n, want_timestamp)) {
      out.timestamp = ts;
      out.context.kind = ContextKind::console;
      s.remove_prefix(n);
      matched = true;
      std::string_view t = s;
      if (!t.empty() && t[0] == ' ') t.remove_prefix(1);
      if (parse_caller_id(t, out.context, n)) s = t.substr(n);
    } else if (parse_caller_id(s, out.context, n)) {
      s.remove_prefix(n);
      matched = true;
    } else if ((n = parse_wallclock_bracket(s)) != 0) {
      s.remove_prefix(n);
      out.context.kind = ContextKind::console;
      matched = true;
      std::string_view t = s;
      if (!t.empty() && t[0] == ' ') t.remove_prefix(1);
      if (parse_caller_id(t, out.context, n)) s = t.substr(n);
    }
  } else if (out.context.kind == ContextKind::none && !s.empty() && s[0] != ' ') {
    // syzbot consoles: "syzkaller login: [   12.3] ..."
    std::size_t l = s.find(" login: [");
    if (l != std::string_view::npos) {
      double ts = 0;
      std::string_view t = s.substr(l + 8);
      if (parse_timestamp(t, ts, n, want_timestamp)) {
        out.timestamp = ts;
        out.context.kind = ContextKind::console;
        s = t.substr(n);
        matched = true;
        t = s;
        if (!t.empty() && t[0] == ' ') t.remove_prefix(1);
        if (parse_caller_id(t, out.context, n)) s = t.substr(n);
      }
    }
  }
  if (matched && !s.empty() && s[0] == ' ') s.remove_prefix(1);
  out.text = s;
  return out;
}

}  // namespace hangscope::log
