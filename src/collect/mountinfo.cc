// /proc/self/mountinfo parsing: device -> mount points, without touching any mount.
#include "collect/mountinfo.h"

#include <charconv>

#include "collect/read_file.h"
#include "core/lines.h"

namespace hangscope::collect {
namespace {

/// Splits `line` on single spaces.
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    auto sp = line.find(' ');
    out.push_back(line.substr(0, sp));
    if (sp == std::string_view::npos) break;
    line.remove_prefix(sp + 1);
  }
  return out;
}

template <typename T>
bool parse_number(std::string_view s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

std::string unescape_mount_field(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '3' &&
        field[i + 2] >= '0' && field[i + 2] <= '7' && field[i + 3] >= '0' && field[i + 3] <= '7') {
      out.push_back(static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                      (field[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

Result<MountEntry> parse_mountinfo_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto f = split_fields(line);
  // id parent major:minor root mount_point options [optional...] - fs_type source super_options
  size_t dash = 6;
  while (dash < f.size() && f[dash] != "-") ++dash;
  if (f.size() < 9 || dash + 2 >= f.size()) return make_error("mountinfo: truncated line");
  MountEntry e;
  auto colon = f[2].find(':');
  if (!parse_number(f[0], &e.mount_id) || colon == std::string_view::npos ||
      !parse_number(f[2].substr(0, colon), &e.major) ||
      !parse_number(f[2].substr(colon + 1), &e.minor)) {
    return make_error("mountinfo: bad mount id or major:minor field");
  }
  e.root = unescape_mount_field(f[3]);
  e.mount_point = unescape_mount_field(f[4]);
  e.fs_type = unescape_mount_field(f[dash + 1]);
  e.source = unescape_mount_field(f[dash + 2]);
  return e;
}

std::vector<MountEntry> parse_mountinfo(std::string_view text) {
  std::vector<MountEntry> out;
  for_each_line(text, [&](std::string_view line) {
    auto e = parse_mountinfo_line(line);
    if (e) out.push_back(std::move(e).value());
  });
  return out;
}

Result<std::vector<MountEntry>> read_mountinfo() {
  auto text = read_small_file("/proc/self/mountinfo", 16u << 20);
  if (!text.ok()) return text.error();
  return parse_mountinfo(*text);
}

}  // namespace hangscope::collect
