// Finding, mounting and writing tracefs (the kernel's ftrace control files).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace hangscope::ftrace {

/// The tracefs mount point named in mountinfo text (tracefs itself, else debugfs + "/tracing");
/// empty when neither is mounted.
std::string tracefs_from_mountinfo(std::string_view mountinfo);

/// Reads a whole control file (at most `max` bytes). Error names the path and errno.
Result<std::string> read_control(const std::string& path, size_t max = 1 << 20);
/// Writes `value` to a control file with O_TRUNC (an empty value clears it). Error names the
/// path, the value and errno.
Status write_control(const std::string& path, std::string_view value);
/// Appends `value` (O_APPEND), as `echo value >> file` does.
Status append_control(const std::string& path, std::string_view value);

/// tracefs, mounted at /sys/kernel/tracing for as long as this object lives when it was not
/// mounted before. Holds an exclusive lock so that concurrent recorders never unmount under
/// each other.
class TracefsMount {
 public:
  /// Finds or mounts tracefs. Error: not root, mount failure, lock failure (one line each).
  static Result<TracefsMount> acquire();
  TracefsMount(TracefsMount&& o) noexcept;
  TracefsMount& operator=(TracefsMount&&) = delete;
  ~TracefsMount();
  const std::string& root() const { return root_; }
  bool mounted_here() const { return mounted_here_; }

 private:
  TracefsMount() = default;
  std::string root_;
  bool mounted_here_ = false;
  int lock_fd_ = -1;
};

}  // namespace hangscope::ftrace
