#include "env/proc_parse.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace hangscope::env {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  const char* blanks = " \t\r\n";
  size_t b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(blanks);
  return s.substr(b, e - b + 1);
}

namespace {

// An os-release value: shell-like quoting, as os-release(5) allows.
std::string unquote(std::string_view v) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (quote != 0 && c == quote) {
      quote = 0;
    } else if (c == '\\' && quote != '\'' && i + 1 < v.size()) {
      out.push_back(v[++i]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool valid_key(std::string_view k) {
  if (k.empty()) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// "key<blanks>: value" lines of /proc/cpuinfo.
bool split_colon(std::string_view line, std::string_view& key, std::string_view& value) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  key = trim(line.substr(0, colon));
  value = trim(line.substr(colon + 1));
  return true;
}

}  // namespace

std::map<std::string, std::string> parse_os_release(std::string_view text) {
  std::map<std::string, std::string> out;
  for (std::string_view line : split_lines(text)) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq);
    if (!valid_key(key)) continue;
    out[std::string(key)] = unquote(line.substr(eq + 1));
  }
  return out;
}

CpuInfo parse_cpuinfo(std::string_view text) {
  CpuInfo info;
  std::string fallback_model;
  for (std::string_view line : split_lines(text)) {
    std::string_view key, value;
    if (!split_colon(line, key, value)) continue;
    if (key == "processor") {
      ++info.count;
    } else if (key == "model name" && info.model.empty()) {
      info.model = std::string(value);
    } else if ((key == "Hardware" || key == "cpu model" || key == "uarch" || key == "isa") &&
               fallback_model.empty()) {
      fallback_model = std::string(value);
    } else if (key == "flags" && !info.hypervisor) {
      size_t pos = 0;
      while (pos < value.size()) {
        size_t sp = value.find(' ', pos);
        std::string_view flag = value.substr(pos, sp == std::string_view::npos ? sp : sp - pos);
        if (flag == "hypervisor") info.hypervisor = true;
        if (sp == std::string_view::npos) break;
        pos = sp + 1;
      }
    }
  }
  if (info.model.empty()) info.model = fallback_model;
  return info;
}

std::optional<uint64_t> parse_meminfo_total_kib(std::string_view text) {
  for (std::string_view line : split_lines(text)) {
    std::string_view key, value;
    if (!split_colon(line, key, value) || key != "MemTotal") continue;
    uint64_t kib = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), kib);
    if (ec != std::errc() || p == value.data()) return std::nullopt;
    return kib;
  }
  return std::nullopt;
}

std::vector<std::string> parse_modules(std::string_view text) {
  std::set<std::string> names;
  for (std::string_view line : split_lines(text)) {
    line = trim(line);
    std::string_view name = line.substr(0, line.find(' '));
    if (!name.empty()) names.emplace(name);
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> parse_mountinfo_fstypes(std::string_view text) {
  std::set<std::string> types;
  for (std::string_view line : split_lines(text)) {
    size_t sep = line.find(" - ");
    if (sep == std::string_view::npos) continue;
    std::string_view rest = line.substr(sep + 3);
    std::string_view type = rest.substr(0, rest.find(' '));
    if (!type.empty()) types.emplace(type);
  }
  return {types.begin(), types.end()};
}

std::optional<std::string> parse_tool_version(std::string_view output) {
  auto keep = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '+' || c == '~' || c == '-';
  };
  size_t pos = 0;
  while (pos < output.size()) {
    while (pos < output.size() &&
           (output[pos] == ' ' || output[pos] == '\t' || output[pos] == '\n' ||
            output[pos] == '\r' || output[pos] == ','))
      ++pos;
    size_t end = pos;
    while (end < output.size() && output[end] != ' ' && output[end] != '\t' &&
           output[end] != '\n' && output[end] != '\r' && output[end] != ',')
      ++end;
    std::string_view word = output.substr(pos, end - pos);
    pos = end;
    if (word.size() > 1 && (word[0] == 'v' || word[0] == 'V') && word[1] >= '0' && word[1] <= '9')
      word.remove_prefix(1);
    if (word.empty() || word[0] < '0' || word[0] > '9') continue;
    size_t cut = 0;
    while (cut < word.size() && keep(word[cut])) ++cut;
    word = word.substr(0, cut);
    while (!word.empty() && (word.back() == '.' || word.back() == '-')) word.remove_suffix(1);
    if (word.find('.') != std::string_view::npos) return std::string(word);
  }
  return std::nullopt;
}

}  // namespace hangscope::env
