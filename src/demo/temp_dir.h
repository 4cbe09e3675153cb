// A private temporary directory for one fixture (mount point, image files), removed at cleanup.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace hangscope::demo {

/// A directory made with mkdtemp under /tmp. remove() deletes the regular files and empty
/// directories listed with track() (never anything under a mount: it never recurses). Movable.
class TempDir {
 public:
  TempDir() = default;
  TempDir(TempDir&& o) noexcept
      : path_(std::exchange(o.path_, {})), files_(std::move(o.files_)), dirs_(std::move(o.dirs_)) {}
  TempDir& operator=(TempDir&& o) noexcept {
    if (this != &o) {
      remove();
      path_ = std::exchange(o.path_, {});
      files_ = std::move(o.files_);
      dirs_ = std::move(o.dirs_);
    }
    return *this;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { remove(); }

  /// Creates /tmp/hangscope-`tag`-XXXXXX (mode 0700); fails with the errno text.
  static Result<TempDir> create(const std::string& tag);

  const std::string& path() const { return path_; }
  /// path() + "/" + name.
  std::string join(const std::string& name) const { return path_ + "/" + name; }

  /// Creates the sub-directory `name` and tracks it; fails with the errno text.
  Result<std::string> make_subdir(const std::string& name);
  /// Tracks the file `name` (created by the caller) for removal.
  std::string track_file(const std::string& name);

  /// Unlinks tracked files, removes tracked sub-directories, then the directory. Fails (with
  /// the first error) when something could not be removed, e.g. a mount point still mounted.
  /// Idempotent.
  Status remove();

 private:
  std::string path_;
  std::vector<std::string> files_;
  std::vector<std::string> dirs_;
};

/// A fixture's private directory with an empty sub-directory "mnt" to mount on.
struct ScratchMount {
  TempDir dir;
  std::string mount_point;  ///< dir.path() + "/mnt", tracked for removal
};

/// Creates /tmp/hangscope-`tag`-XXXXXX/mnt; fails with the errno text.
Result<ScratchMount> make_scratch_mount(const std::string& tag);

}  // namespace hangscope::demo
