// LineReader: a streaming, bounded-memory line splitter over a file descriptor (file or stdin).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hangscope::log {

/// Splits a byte stream into lines. Memory is bounded by the buffer size whatever the input:
/// lines longer than `max_line_bytes` are cut to that length (the rest of the line is skipped
/// and `last_truncated()` is true). A trailing '\r' (CRLF input) is removed. Bytes are passed
/// through unchanged otherwise (NUL and non-UTF-8 bytes included).
class LineReader {
 public:
  static constexpr std::size_t kDefaultBufferBytes = 1 << 20;  // 1 MiB
  static constexpr std::size_t kDefaultMaxLineBytes = 4096;    // printk lines are <= 1024 bytes

  /// Reads from `fd`; closes it on destruction when `owns_fd`.
  LineReader(int fd, bool owns_fd, std::size_t buffer_bytes = kDefaultBufferBytes,
             std::size_t max_line_bytes = kDefaultMaxLineBytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// Opens `path` for reading ("-" means stdin). Error: "PATH: <strerror>"; a directory is an
  /// error too.
  static Result<std::unique_ptr<LineReader>> open(const std::string& path);

  /// The next line (valid until the next call), without its '\n' and trailing '\r'.
  /// Returns false at end of input or on a read error (then error() is non-empty).
  bool next(std::string_view& line);

  /// True when the line last returned by next() was cut to max_line_bytes.
  bool last_truncated() const { return last_truncated_; }
  /// Lines returned so far.
  std::uint64_t line_count() const { return lines_; }
  /// Bytes consumed from the descriptor so far.
  std::uint64_t bytes_read() const { return bytes_read_; }
  /// The read error ("read: <strerror>"), empty when none.
  const std::string& error() const { return error_; }

 private:
  bool fill();  // reads more data; false at EOF or error
  static constexpr std::size_t kNoNewline = static_cast<std::size_t>(-1);
  std::size_t find_newline(std::size_t from);  // offset of the next '\n' in the buffer

  int fd_;
  bool owns_fd_;
  std::size_t max_line_;
  std::unique_ptr<char[]> buf_;
  std::size_t cap_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool skipping_ = false;  // inside the tail of an over-long line
  bool last_truncated_ = false;
  std::uint64_t lines_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::string error_;
  bool nl_valid_ = false;  // nl_mask_ describes buf_[nl_block_, nl_block_ + 64)
  std::size_t nl_block_ = 0;
  std::uint64_t nl_mask_ = 0;  // bit i: buf_[nl_block_ + i] == '\n'
};

}  // namespace hangscope::log
