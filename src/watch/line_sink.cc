#include "watch/line_sink.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hangscope::watch {

Result<LineSink> LineSink::open(const std::string& path) {
  if (path.empty()) return LineSink(STDOUT_FILENO, "stdout");
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(
        fmt::format("--output {}: cannot open for appending: {}", path, std::strerror(errno)));
  return LineSink(fd, path);
}

LineSink::~LineSink() {
  if (fd_ > STDERR_FILENO) ::close(fd_);
}

Status LineSink::write(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
  if (fd_ > STDERR_FILENO && ::fsync(fd_) != 0)
    return make_error(fmt::format("{}: fsync failed: {}", path_, std::strerror(errno)));
  return Unit{};
}

}  // namespace hangscope::watch
