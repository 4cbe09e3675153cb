#include "collect/mountinfo.h"

#include <charconv>

#include "core/lines.h"

namespace hangscope::collect {

namespace {

std::string unescape_octal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    bool octal = s[i] == '\\' && i + 3 < s.size();
    for (size_t k = 1; octal && k <= 3; ++k) octal = s[i + k] >= '0' && s[i + k] <= '7';
    if (octal) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> f;
  size_t p = 0;
  while (p < line.size()) {
    size_t q = line.find(' ', p);
    if (q == std::string_view::npos) q = line.size();
    if (q > p) f.push_back(line.substr(p, q - p));
    p = q + 1;
  }
  return f;
}

}  // namespace

std::vector<MountEntry> parse_mountinfo(std::string_view text) {
  std::vector<MountEntry> out;
  for_each_line(text, [&](std::string_view line) {
    auto f = split(line);
    // id parent major:minor root mount_point options [optional...] - fstype source superopts
    size_t dash = 0;
    for (size_t i = 6; i < f.size(); ++i) {
      if (f[i] == "-") {
        dash = i;
        break;
      }
    }
    if (f.size() < 5 || dash == 0) return;
    std::string_view mm = f[2];
    size_t colon = mm.find(':');
    if (colon == std::string_view::npos) return;
    unsigned major = 0, minor = 0;
    if (std::from_chars(mm.data(), mm.data() + colon, major).ec != std::errc()) return;
    if (std::from_chars(mm.data() + colon + 1, mm.data() + mm.size(), minor).ec != std::errc()) return;
    MountEntry e;
    e.dev = (major << 20) | minor;
    e.mount_point = unescape_octal(f[4]);
    if (dash + 1 < f.size()) e.fs_type = std::string(f[dash + 1]);
    if (dash + 2 < f.size()) e.source = unescape_octal(f[dash + 2]);
    out.push_back(std::move(e));
  });
  return out;
}

}  // namespace hangscope::collect
