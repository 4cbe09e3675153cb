#include "log/title_normalize.h"

#include "log/text_match.h"

namespace hangscope::log {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_word(char c) { return is_alnum(c) || c == '_'; }
std::size_t digits_at(const std::string& s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && is_dec_digit(s[j])) ++j;
  return j - i;
}

// One left-to-right pass of a replacement; `match(s, i)` returns the match length at i (0 =
// none) and may set `keep` (bytes of the match kept in front of the replacement).
template <typename Match>
bool replace_pass(std::string& s, std::string_view with, Match match) {
  std::size_t i = 0;
  for (std::size_t k = 0;; ++i) {  // fast path: no match, no copy
    if (i == s.size()) return false;
    if (match(s, i, k)) break;
  }
  std::string out(s, 0, i);
  bool changed = false;
  while (i < s.size()) {
    std::size_t keep = 0;
    std::size_t len = match(s, i, keep);
    if (len == 0) {
      out += s[i++];
      continue;
    }
    out.append(s, i, keep);
    out += with;
    i += len;
    changed = true;
  }
  if (changed) s = std::move(out);
  return changed;
}

template <typename Match>
void replace_all(std::string& s, std::string_view with, Match match) {
  for (int guard = 0; guard < 64 && replace_pass(s, with, match); ++guard) {
  }
}

// "syz-executor" / "syzkaller" followed by digits and an optional "/N" or ":N".
std::size_t executor_len(const std::string& s, std::size_t i, std::string_view name, bool dot) {
  if (s.compare(i, name.size(), name) != 0) return 0;
  std::size_t j = i + name.size();
  if (dot && j < s.size() && s[j] == '.' && digits_at(s, j + 1) > 0) ++j;
  std::size_t d = digits_at(s, j);
  if (d == 0) return 0;
  j += d;
  if (j < s.size() && (s[j] == '/' || s[j] == ':') && digits_at(s, j + 1) > 0)
    j += 1 + digits_at(s, j + 1);
  return j - i;
}

std::size_t ip_len(const std::string& s, std::size_t i) {
  // [0-9]{1,3}(\.[0-9]{1,3}){3} with backtracking over the group widths.
  std::size_t best = 0;
  auto rec = [&](auto&& self, std::size_t pos, int group) -> bool {
    for (std::size_t w = 3; w >= 1; --w) {
      if (pos + w > s.size() || digits_at(s, pos) < w) continue;
      std::size_t e = pos + w;
      if (group == 3) {
        best = e - i;
        return true;
      }
      if (e < s.size() && s[e] == '.' && self(self, e + 1, group + 1)) return true;
    }
    return false;
  };
  rec(rec, i, 0);
  return best;
}

}  // namespace

std::string normalize_title(std::string_view raw) {
  std::string s(raw);
  auto has = [&s](std::string_view what) { return s.find(what) != std::string::npos; };
  bool digits = s.find_first_of("0123456789") != std::string::npos;
  if (has("syz-executor"))
    replace_all(s, "syz-executor", [](const std::string& t, std::size_t i, std::size_t&) {
      return executor_len(t, i, "syz-executor", true);
    });
  if (has("syzkaller"))
    replace_all(s, "syzkaller", [](const std::string& t, std::size_t i, std::size_t&) {
      return executor_len(t, i, "syzkaller", false);
    });
  replace_all(s, "ADDR", [](const std::string& t, std::size_t i, std::size_t& keep) -> std::size_t {
    if (is_alnum(t[i]) || i + 1 >= t.size()) return 0;
    std::size_t j = i + 1;
    for (int pass = 0; pass < 2; ++pass) {
      std::size_t k = j;
      if (pass == 0) {
        if (t.compare(j, 2, "0x") != 0) continue;
        k += 2;
      }
      std::size_t h = k;
      while (h < t.size() && is_hex_digit(t[h])) ++h;
      if (h - k >= 6) {
        keep = 1;
        return h - i;
      }
    }
    return 0;
  });
  // IP and :LINE need a digit (the ADDR pass above cannot add one).
  if (digits)
    replace_all(s, "IP",
                [](const std::string& t, std::size_t i, std::size_t&) { return ip_len(t, i); });
  if (digits)
    replace_all(s, ":LINE",
                [](const std::string& t, std::size_t i, std::size_t& keep) -> std::size_t {
                  if (t[i] != '.') return 0;
                  std::size_t j = i + 1;
                  while (j < t.size() && is_word(t[j])) ++j;
                  if (j == i + 1) return 0;
                  std::size_t w = j;
                  while (j < t.size() && t[j] == ':' && digits_at(t, j + 1) > 0)
                    j += 1 + digits_at(t, j + 1);
                  if (j == w) return 0;
                  keep = w - i;
                  return j - i;
                });
  if (has("+0x"))
    replace_all(s, "", [](const std::string& t, std::size_t i, std::size_t& keep) -> std::size_t {
      // ([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+  ->  $1
      if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z'))) return 0;
      std::size_t j = i + 1;
      while (j < t.size() && (is_word(t[j]) || t[j] == '.')) ++j;
      if (j == i + 1 || t.compare(j, 3, "+0x") != 0) return 0;
      std::size_t name_end = j;
      j += 3;
      std::size_t b = j;
      while (j < t.size() && (is_dec_digit(t[j]) || (t[j] >= 'a' && t[j] <= 'z'))) ++j;
      if (j == b || t.compare(j, 3, "/0x") != 0) return 0;
      j += 3;
      b = j;
      while (j < t.size() && (is_dec_digit(t[j]) || (t[j] >= 'a' && t[j] <= 'z'))) ++j;
      if (j == b) return 0;
      keep = name_end - i;
      return j - i;
    });
  if (has("CPU#"))
    replace_all(s, "CPU", [](const std::string& t, std::size_t i, std::size_t&) -> std::size_t {
      if (t.compare(i, 4, "CPU#") != 0 || digits_at(t, i + 4) == 0) return 0;
      return 4 + digits_at(t, i + 4);
    });
  if (s.find_first_of("0123456789") != std::string::npos)
    replace_all(s, "NUM",
                [](const std::string& t, std::size_t i, std::size_t& keep) -> std::size_t {
                  // (\W)(\d+)(\W|$) -> $1NUM$3 (the trailing \W is not consumed into the
                  // replacement).
                  if (is_word(t[i])) return 0;
                  std::size_t d = digits_at(t, i + 1);
                  if (d == 0) return 0;
                  std::size_t e = i + 1 + d;
                  if (e < t.size() && is_word(t[e])) return 0;
                  keep = 1;
                  return 1 + d;  // the \W after is re-examined (it may start the next match)
                });
  if (s.find_first_of("0123456789") != std::string::npos)
    replace_all(s, "NUM", [](const std::string& t, std::size_t i, std::size_t&) -> std::size_t {
      std::size_t d = digits_at(t, i);
      return d >= 7 && (i == 0 || !is_dec_digit(t[i - 1])) ? d : 0;
    });
  // Sanitise.
  std::string out;
  char prev = ' ';
  for (std::size_t i = 0; i < s.size() && i < 120; ++i) {
    char ch = s[i];
    if (ch == '\t')
      ch = ' ';
    else if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f)
      continue;
    if (ch == ' ' && prev == ' ') continue;
    out += ch;
    prev = ch;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace hangscope::log
