#include "collect/machine_mounts.h"

#include <unistd.h>

#include "collect/read_file.h"

namespace hangscope::collect {

namespace {

constexpr std::size_t kMountinfoLimit = 16u << 20;

// The target of a namespace link ("mnt:[4026531841]"), "" when it cannot be read.
std::string ns_link(const std::string& path) {
  char buf[64];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
}

}  // namespace

Result<MachineMounts> read_machine_mounts(const std::string& proc) {
  MachineMounts out;
  std::string self_ns = ns_link(proc + "/self/ns/mnt"), init_ns = ns_link(proc + "/1/ns/mnt");
  if (!self_ns.empty() && !init_ns.empty() && self_ns != init_ns) {
    if (auto text = read_small_file(proc + "/1/mountinfo", kMountinfoLimit); text.ok()) {
      out.mounts = parse_mountinfo(*text);
      out.from_init = true;
      return out;
    }
  }
  auto text = read_small_file(proc + "/self/mountinfo", kMountinfoLimit);
  if (!text.ok()) return text.error();
  out.mounts = parse_mountinfo(*text);
  return out;
}

}  // namespace hangscope::collect
