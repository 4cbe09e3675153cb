#include "collect/proc_parse.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

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

std::string parse_cgroup(std::string_view text) {
  std::string first, v2;
  for_each_line(text, [&](std::string_view line) {
    size_t c1 = line.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return;
    std::string path(line.substr(c2 + 1));
    if (line.starts_with("0::") && v2.empty()) v2 = path;
    if (first.empty()) first = path;
  });
  return v2.empty() ? first : v2;
}

namespace {

bool is_hex_id(std::string_view s) {
  if (s.size() < 12) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Finds `<prefix><64 hex>` (optionally followed by ".scope") in path; returns the id or "".
std::string find_id(std::string_view path, std::string_view prefix) {
  size_t p = 0;
  while ((p = path.find(prefix, p)) != std::string_view::npos) {
    size_t b = p + prefix.size();
    size_t e = b;
    while (e < path.size() && std::isxdigit(static_cast<unsigned char>(path[e]))) ++e;
    if (is_hex_id(path.substr(b, e - b))) return std::string(path.substr(b, 12));
    p = b;
  }
  return "";
}

}  // namespace

std::string container_from_cgroup(std::string_view path) {
  struct Rule {
    std::string_view prefix, runtime;
  };
  static constexpr Rule rules[] = {{"docker-", "docker"},
                                   {"/docker/", "docker"},
                                   {"cri-containerd-", "containerd"},
                                   {"/containerd/", "containerd"},
                                   {"libpod-", "podman"},
                                   {"/libpod/", "podman"},
                                   {"crio-", "cri-o"}};
  for (const auto& r : rules) {
    std::string id = find_id(path, r.prefix);
    if (!id.empty()) return std::string(r.runtime) + ":" + id;
  }
  if (size_t p = path.find("kubepods"); p != std::string_view::npos) {
    size_t pod = path.find("-pod", p + 8);
    if (pod == std::string_view::npos) pod = path.find("/pod", p + 8);
    if (pod != std::string_view::npos) {
      std::string_view uid = path.substr(pod + 4);
      uid = uid.substr(0, uid.find_first_of("/."));
      if (!uid.empty()) return "kubernetes:pod" + std::string(uid);
    }
  }
  return "";
}

}  // namespace hangscope::collect
