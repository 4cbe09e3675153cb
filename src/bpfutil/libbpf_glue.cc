#include "bpfutil/libbpf_glue.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace hangscope::bpfutil {

namespace {

std::string& last_message() {
  static std::string message;
  return message;
}

int keep_message(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, args);
  std::string& m = last_message();
  m = buf;
  while (!m.empty() && m.back() == '\n') m.pop_back();
  return 0;
}

// "WHAT: <errno text>" with the errno kept (libbpf calls return -errno and set errno too).
Error errno_error(std::string_view what, int err) {
  return make_errno_error(fmt::format("{}: {}", what, std::strerror(err)), err);
}

}  // namespace

void capture_libbpf_messages() { libbpf_set_print(keep_message); }

const std::string& last_libbpf_message() { return last_message(); }

Result<Link> attach_iter(const bpf_program* prog, std::string_view what) {
  Link link(bpf_program__attach_iter(prog, nullptr));
  if (!link) {
    int err = errno;  // read before formatting the message, which may change it
    return errno_error(fmt::format("attaching {}", what), err);
  }
  return link;
}

Result<std::string> read_iter(const bpf_link* link) {
  int fd = bpf_iter_create(bpf_link__fd(link));
  if (fd < 0) {
    int err = errno;
    return errno_error("bpf_iter_create", err);
  }
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return errno_error("reading the BPF iterator", e);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status update_elem(const bpf_map* map, const void* key, std::size_t key_size, const void* value,
                   std::size_t value_size, std::uint64_t flags) {
  int err = bpf_map__update_elem(map, key, key_size, value, value_size, flags);
  if (err != 0) return errno_error(fmt::format("updating BPF map {}", bpf_map__name(map)), -err);
  return Unit{};
}

Status delete_elem(int fd, const void* key) {
  if (bpf_map_delete_elem(fd, key) == 0 || errno == ENOENT) return Unit{};
  int err = errno;
  return errno_error("deleting from a BPF map", err);
}

}  // namespace hangscope::bpfutil
