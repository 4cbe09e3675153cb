#include "log/kmsg_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hangscope::log {

std::string kmsg_record_to_line(std::string_view r) {
  if (r.empty() || r[0] == ' ') return "";
  std::size_t semi = r.find(';');
  if (semi == std::string_view::npos) return "";
  std::string_view head = r.substr(0, semi);
  std::string_view text = r.substr(semi + 1);
  if (std::size_t nl = text.find('\n'); nl != std::string_view::npos) text = text.substr(0, nl);
  // head: prio,seq,usec,flags[,...]
  unsigned long long fields[3] = {0, 0, 0};
  std::size_t i = 0;
  for (int f = 0; f < 3; ++f) {
    std::size_t b = i;
    while (i < head.size() && head[i] >= '0' && head[i] <= '9' && i - b < 20)
      fields[f] = fields[f] * 10 + static_cast<unsigned>(head[i++] - '0');
    if (i == b || i >= head.size() || head[i] != ',') return "";
    ++i;
  }
  return fmt::format("<{}>[{:5d}.{:06d}] {}", fields[0] & 7, fields[2] / 1000000,
                     fields[2] % 1000000, text);
}

Status read_kmsg(const std::function<void(std::string_view)>& sink, const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    std::string msg = path + ": " + std::strerror(e);
    if (e == EPERM || e == EACCES) msg += " (needs root, or sysctl kernel.dmesg_restrict=0)";
    return make_error(msg);
  }
  char buf[8192 + 1];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
    if (n < 0) {
      if (errno == EINTR || errno == EPIPE) continue;  // EPIPE: records were overwritten
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      std::string msg = path + ": " + std::strerror(errno);
      ::close(fd);
      return make_error(msg);
    }
    if (n == 0) break;
    std::string line = kmsg_record_to_line(std::string_view(buf, static_cast<std::size_t>(n)));
    if (!line.empty()) sink(line);
  }
  ::close(fd);
  return Unit{};
}

}  // namespace hangscope::log
