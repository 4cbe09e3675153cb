#include "demo/text_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "demo/unique_fd.h"

namespace hangscope::demo {

Result<std::string> read_text_file(const std::string& path, size_t limit) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
  std::string out;
  char buf[4096];
  while (out.size() < limit) {
    ssize_t n = ::read(fd.get(), buf, std::min(sizeof(buf), limit - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string read_first_line(const std::string& path, const std::string& fallback) {
  auto text = read_text_file(path, 4096);
  if (!text) return fallback;
  return text->substr(0, text->find('\n'));
}

Status write_text_file(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid() || ::write(fd.get(), value.data(), value.size()) < 0) {
    return make_error(fmt::format("write '{}' to {}: {}", value, path, std::strerror(errno)));
  }
  return Unit{};
}

}  // namespace hangscope::demo
