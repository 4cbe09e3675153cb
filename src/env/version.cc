#include "env/version.h"

#include <cctype>

namespace hangscope::env {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// The next component of `s` from `pos`: a digit run or a letter run; other bytes separate.
// Returns an empty view at the end.
std::string_view next_component(std::string_view s, size_t& pos) {
  while (pos < s.size() && !is_digit(s[pos]) && !is_alpha(s[pos])) ++pos;
  size_t start = pos;
  if (pos < s.size()) {
    bool digits = is_digit(s[pos]);
    while (pos < s.size() && (digits ? is_digit(s[pos]) : is_alpha(s[pos]))) ++pos;
  }
  return s.substr(start, pos - start);
}

int compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

bool is_version_like(std::string_view s) { return !s.empty() && is_digit(s.front()); }

int compare_versions(std::string_view a, std::string_view b) {
  size_t pa = 0, pb = 0;
  for (;;) {
    std::string_view ca = next_component(a, pa);
    std::string_view cb = next_component(b, pb);
    if (ca.empty() || cb.empty()) {
      if (ca.empty() && cb.empty()) return 0;
      return ca.empty() ? -1 : 1;
    }
    bool da = is_digit(ca.front()), db = is_digit(cb.front());
    int c;
    if (da && db) {
      c = compare_numbers(ca, cb);
    } else if (da != db) {
      c = da ? 1 : -1;
    } else {
      int t = ca.compare(cb);
      c = t < 0 ? -1 : (t > 0 ? 1 : 0);
    }
    if (c != 0) return c;
  }
}

}  // namespace hangscope::env
