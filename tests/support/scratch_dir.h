// A scratch directory for one test: made with mkdtemp under /tmp, removed with everything in it
// when the test ends. Only for directories the test itself fills (never a mount point).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace hangscope::testsupport {

class ScratchDir {
 public:
  /// /tmp/hs-`tag`-XXXXXX; path() is "" when mkdtemp failed.
  explicit ScratchDir(const std::string& tag) {
    std::string tmpl = "/tmp/hs-" + tag + "-XXXXXX";
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hangscope::testsupport
