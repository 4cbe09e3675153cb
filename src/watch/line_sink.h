// Where watch writes its reports: stdout, or a file opened for appending and fsync'ed after
// every report (so a report survives a crash that follows it).
#pragma once

#include <string>

#include "core/result.h"

namespace hangscope::watch {

class LineSink {
 public:
  /// Stdout when `path` is empty, else `path` opened O_APPEND|O_CREAT (0644). Errors name the path.
  static Result<LineSink> open(const std::string& path);
  LineSink(LineSink&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  LineSink(const LineSink&) = delete;
  LineSink& operator=(const LineSink&) = delete;
  ~LineSink();

  /// Writes `text` whole (retrying short writes) and fsyncs a file. Errors name the path.
  Status write(const std::string& text);

 private:
  LineSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;  ///< 1 for stdout (not closed)
  std::string path_;
};

}  // namespace hangscope::watch
