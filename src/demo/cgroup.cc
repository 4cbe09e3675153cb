#include "demo/cgroup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "demo/text_file.h"

namespace hangscope::demo {
namespace {

/// The directories of `name` from its first level down ("a/b" -> "a", "a/b").
std::vector<std::string> levels(const std::string& name) {
  std::vector<std::string> out;
  for (size_t slash = name.find('/'); slash != std::string::npos;
       slash = name.find('/', slash + 1)) {
    out.push_back(name.substr(0, slash));
  }
  out.push_back(name);
  return out;
}

}  // namespace

Cgroup::Cgroup(Cgroup&& o) noexcept
    : version_(o.version_),
      view_(std::exchange(o.view_, {})),
      name_(std::exchange(o.name_, {})),
      path_(std::exchange(o.path_, {})),
      mounted_(std::exchange(o.mounted_, false)) {}

Cgroup& Cgroup::operator=(Cgroup&& o) noexcept {
  if (this != &o) {
    remove(Millis(2000));
    version_ = o.version_;
    view_ = std::exchange(o.view_, {});
    name_ = std::exchange(o.name_, {});
    path_ = std::exchange(o.path_, {});
    mounted_ = std::exchange(o.mounted_, false);
  }
  return *this;
}

Result<Cgroup> Cgroup::create(TempDir& dir, CgroupVersion version, const std::string& controller,
                              const std::string& name) {
  const bool v1 = version == CgroupVersion::kV1;
  std::string what = v1 ? "cgroup v1 " + controller : std::string("cgroup v2");
  auto view = dir.make_subdir(v1 ? "cgroup-" + controller : "cgroup2");
  if (!view) return view.error();
  Cgroup cg;
  cg.version_ = version;
  cg.view_ = *view;
  if (::mount("cgroup", cg.view_.c_str(), v1 ? "cgroup" : "cgroup2", MS_NOSUID | MS_NODEV,
              v1 ? controller.c_str() : nullptr) != 0) {
    return make_error(fmt::format("{}: mount on {}: {}", what, cg.view_, std::strerror(errno)));
  }
  cg.mounted_ = true;
  cg.name_ = name;
  for (const auto& level : levels(name)) {
    std::string p = cg.view_ + "/" + level;
    if (::mkdir(p.c_str(), 0755) != 0) {
      return make_error(fmt::format("{}: mkdir {}: {}", what, p, std::strerror(errno)));
    }
    cg.path_ = p;  // remove() takes away what exists so far
  }
  return cg;
}

Status Cgroup::add_process(pid_t pid) const {
  return write_text_file(knob_path("cgroup.procs"), std::to_string(pid));
}

Status Cgroup::write(const std::string& knob, const std::string& value) const {
  return write_text_file(knob_path(knob), value);
}

Result<std::string> Cgroup::read(const std::string& knob) const {
  auto text = read_text_file(knob_path(knob), 4096);
  if (!text) return text.error();
  while (!text->empty() && text->back() == '\n') text->pop_back();
  return text;
}

Status Cgroup::remove(Millis timeout) {
  Deadline deadline(timeout);
  if (!name_.empty() && !path_.empty()) {
    auto dirs = levels(name_);
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      std::string p = view_ + "/" + *it;
      if (p.size() > path_.size()) continue;  // never created
      // A killed process leaves its cgroup only once it is reaped: retry until the deadline.
      while (::rmdir(p.c_str()) != 0 && errno != ENOENT) {
        if (errno != EBUSY || deadline.expired()) {
          return make_error(fmt::format("rmdir {}: {}", p, std::strerror(errno)));
        }
        std::this_thread::sleep_for(Millis(10));
      }
    }
    path_.clear();
  }
  if (mounted_) {
    if (::umount2(view_.c_str(), MNT_DETACH) != 0 && errno != EINVAL) {
      return make_error(fmt::format("umount {}: {}", view_, std::strerror(errno)));
    }
    mounted_ = false;
  }
  return Unit{};
}

Result<bool> cgroup_exists(CgroupVersion version, const std::string& controller,
                           const std::string& name) {
  auto dir = TempDir::create("cgcheck");
  if (!dir) return dir.error();
  auto view = dir->make_subdir("view");
  if (!view) return view.error();
  const bool v1 = version == CgroupVersion::kV1;
  if (::mount("cgroup", view->c_str(), v1 ? "cgroup" : "cgroup2", MS_NOSUID | MS_NODEV,
              v1 ? controller.c_str() : nullptr) != 0) {
    return make_error(fmt::format("mount {} view on {}: {}", v1 ? controller : "cgroup2", *view,
                                  std::strerror(errno)));
  }
  struct stat st {};
  bool found = ::stat((*view + "/" + name).c_str(), &st) == 0;
  ::umount2(view->c_str(), MNT_DETACH);
  if (Status s = dir->remove(); !s) return s.error();
  return found;
}

}  // namespace hangscope::demo
