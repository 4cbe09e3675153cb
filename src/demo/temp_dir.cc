#include "demo/temp_dir.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace hangscope::demo {

Result<TempDir> TempDir::create(const std::string& tag) {
  std::string templ = fmt::format("/tmp/hangscope-{}-XXXXXX", tag);
  if (::mkdtemp(templ.data()) == nullptr) {
    return make_error(fmt::format("mkdtemp {}: {}", templ, std::strerror(errno)));
  }
  TempDir dir;
  dir.path_ = templ;
  return dir;
}

Result<std::string> TempDir::make_subdir(const std::string& name) {
  std::string p = join(name);
  if (::mkdir(p.c_str(), 0700) != 0) {
    return make_error(fmt::format("mkdir {}: {}", p, std::strerror(errno)));
  }
  dirs_.push_back(p);
  return p;
}

std::string TempDir::track_file(const std::string& name) {
  files_.push_back(join(name));
  return files_.back();
}

Status TempDir::remove() {
  if (path_.empty()) return Unit{};
  std::string first_error;
  auto note = [&](const std::string& what) {
    if (first_error.empty()) first_error = fmt::format("{}: {}", what, std::strerror(errno));
  };
  for (const auto& f : files_) {
    if (::unlink(f.c_str()) != 0 && errno != ENOENT) note("unlink " + f);
  }
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    if (::rmdir(it->c_str()) != 0 && errno != ENOENT) note("rmdir " + *it);
  }
  if (::rmdir(path_.c_str()) != 0 && errno != ENOENT) note("rmdir " + path_);
  if (!first_error.empty()) return make_error(first_error);
  files_.clear();
  dirs_.clear();
  path_.clear();
  return Unit{};
}

Result<ScratchMount> make_scratch_mount(const std::string& tag) {
  auto dir = TempDir::create(tag);
  if (!dir) return dir.error();
  ScratchMount out{std::move(dir).value(), ""};
  auto mnt = out.dir.make_subdir("mnt");
  if (!mnt) return mnt.error();
  out.mount_point = *mnt;
  return out;
}

}  // namespace hangscope::demo
