#include "log/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hangscope::log {

LineReader::LineReader(int fd, bool owns_fd, std::size_t buffer_bytes, std::size_t max_line_bytes)
    : fd_(fd),
      owns_fd_(owns_fd),
      max_line_(max_line_bytes),
      buf_(new char[buffer_bytes < max_line_bytes * 2 ? max_line_bytes * 2 : buffer_bytes]),
      cap_(buffer_bytes < max_line_bytes * 2 ? max_line_bytes * 2 : buffer_bytes) {}

LineReader::~LineReader() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<LineReader>> LineReader::open(const std::string& path) {
  if (path == "-") return std::make_unique<LineReader>(0, false);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return make_error(path + ": is a directory");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<LineReader>(fd, true);
}

bool LineReader::fill() {
  if (eof_) return false;
  nl_valid_ = false;  // the buffer moves
  if (begin_ > 0) {   // compact: move the partial line to the front
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) return false;
  for (;;) {
    ssize_t n = ::read(fd_, buf_.get() + end_, cap_ - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = std::string("read: ") + std::strerror(errno);
      eof_ = true;
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<std::size_t>(n);
    bytes_read_ += static_cast<std::uint64_t>(n);
    return true;
  }
}

namespace {

#if defined(__SSE2__)
// Bit i set when p[i] == '\n', for the 64 bytes at p.
std::uint64_t newline_mask64(const char* p) {
  const __m128i nl = _mm_set1_epi8('\n');
  std::uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    m |= static_cast<std::uint64_t>(
             static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))))
         << (16 * k);
  }
  return m;
}
#endif

}  // namespace

std::size_t LineReader::find_newline(std::size_t from) {
  const char* base = buf_.get();
#if defined(__SSE2__)
  // Lines are short: one 64-byte mask serves several lines (no call per line).
  while (from < end_) {
    if (!nl_valid_ || from < nl_block_ || from >= nl_block_ + 64) {
      if (end_ - from < 64) break;
      nl_block_ = from;
      nl_mask_ = newline_mask64(base + from);
      nl_valid_ = true;
    }
    std::uint64_t m = nl_mask_ & (~std::uint64_t{0} << (from - nl_block_));
    if (m) return nl_block_ + static_cast<std::size_t>(__builtin_ctzll(m));
    from = nl_block_ + 64;
  }
#endif
  if (from >= end_) return kNoNewline;
  const void* nl = std::memchr(base + from, '\n', end_ - from);
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - base) : kNoNewline;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    char* base = buf_.get();
    if (skipping_) {  // discard the rest of an over-long line
      void* nl = std::memchr(base + begin_, '\n', end_ - begin_);
      if (nl) {
        begin_ = static_cast<std::size_t>(static_cast<char*>(nl) - base) + 1;
        skipping_ = false;
      } else {
        begin_ = end_ = 0;
        if (!fill()) return false;
        continue;
      }
    }
    std::size_t nl_at = find_newline(begin_);
    bool nl = nl_at != kNoNewline;
    std::size_t len;
    std::size_t next_begin;
    if (nl) {
      len = nl_at - begin_;
      next_begin = begin_ + len + 1;
    } else if (end_ - begin_ >= max_line_) {
      len = end_ - begin_;  // an over-long line without its end in the buffer
      next_begin = end_;
    } else if (fill()) {
      continue;
    } else if (eof_ && end_ > begin_) {
      len = end_ - begin_;  // the last line has no '\n'
      next_begin = end_;
    } else {
      return false;
    }
    std::size_t start = begin_;
    last_truncated_ = false;
    if (len > max_line_ || (!nl && !eof_)) {
      skipping_ = !nl;
      if (len > max_line_) len = max_line_;
      last_truncated_ = true;
    }
    begin_ = next_begin;
    if (len > 0 && base[start + len - 1] == '\r') --len;
    line = std::string_view(base + start, len);
    ++lines_;
    return true;
  }
}

}  // namespace hangscope::log
