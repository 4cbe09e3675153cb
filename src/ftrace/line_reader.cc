#include "ftrace/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hangscope::ftrace {
Result<LineReader> LineReader::open(const std::string& path) {
  if (path == "-") return LineReader(0, "<stdin>");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path + ": " + std::strerror(errno));
  LineReader r(fd, path);
  r.owns_fd_ = true;
  return r;
}

LineReader::LineReader(int fd, std::string name, size_t chunk)
    : fd_(fd),
      name_(std::move(name)),
      buf_(new char[chunk + kMaxLine + 1]),
      cap_(chunk + kMaxLine + 1),
      chunk_(chunk) {}

LineReader::LineReader(LineReader&& o) noexcept
    : fd_(o.fd_),
      owns_fd_(o.owns_fd_),
      eof_(o.eof_),
      name_(std::move(o.name_)),
      error_(std::move(o.error_)),
      buf_(std::move(o.buf_)),
      cap_(o.cap_),
      chunk_(o.chunk_),
      begin_(o.begin_),
      end_(o.end_),
      line_no_(o.line_no_),
      bytes_(o.bytes_) {
  o.owns_fd_ = false;
  o.fd_ = -1;
}

LineReader::~LineReader() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  size_t room = cap_ - end_;
  if (room == 0) return false;
  for (;;) {
    ssize_t n = ::read(fd_, buf_.get() + end_, room < chunk_ ? room : chunk_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = name_ + ": read failed: " + std::strerror(errno);
      eof_ = true;
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(n);
    bytes_ += static_cast<uint64_t>(n);
    return true;
  }
}

bool LineReader::next(std::string_view& line, bool& overlong) {
  overlong = false;
  for (;;) {
    const char* b = buf_.get() + begin_;
    size_t avail = end_ - begin_;
    const char* nl = static_cast<const char*>(std::memchr(b, '\n', avail));
    if (nl) {
      size_t len = static_cast<size_t>(nl - b);
      begin_ += len + 1;
      if (len > 0 && b[len - 1] == '\r') --len;
      if (len > kMaxLine) {
        len = kMaxLine;
        overlong = true;
      }
      line = std::string_view(b, len);
      ++line_no_;
      return true;
    }
    if (avail >= kMaxLine) {
      // Overlong: return the head, then drop bytes up to the next newline.
      overlong = true;
      line = std::string_view(b, kMaxLine);
      std::string keep;  // the head must survive the skipping below
      keep.assign(b, kMaxLine);
      begin_ = end_ = 0;
      for (;;) {
        if (!fill()) break;
        const char* p = static_cast<const char*>(std::memchr(buf_.get(), '\n', end_));
        if (p) {
          begin_ = static_cast<size_t>(p - buf_.get()) + 1;
          break;
        }
        begin_ = end_ = 0;
      }
      // Put the head in front of the unread bytes (tail <= chunk_, so both fit).
      size_t tail = end_ - begin_;
      std::memmove(buf_.get() + kMaxLine, buf_.get() + begin_, tail);
      std::memcpy(buf_.get(), keep.data(), kMaxLine);
      begin_ = kMaxLine;
      end_ = kMaxLine + tail;
      line = std::string_view(buf_.get(), kMaxLine);
      ++line_no_;
      return true;
    }
    if (!fill()) {
      if (end_ > begin_) {  // last line without a newline
        size_t len = end_ - begin_;
        line = std::string_view(buf_.get() + begin_, len);
        if (len > 0 && line.back() == '\r') line.remove_suffix(1);
        begin_ = end_;
        ++line_no_;
        return true;
      }
      return false;
    }
  }
}

}  // namespace hangscope::ftrace
