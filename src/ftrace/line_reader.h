// Reads a text file (or stdin) line by line in fixed-size chunks: memory is bounded by the
// chunk size plus the longest line kept, whatever the file size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hangscope::ftrace {

class LineReader {
 public:
  /// Longest line returned whole; longer lines are returned cut to this length with
  /// `overlong` set, and the rest of the line is skipped without being stored.
  static constexpr size_t kMaxLine = 64 * 1024;

  /// Opens `path` ("-" = standard input). Error: one line naming the path and errno text.
  static Result<LineReader> open(const std::string& path);
  /// Reads from an already open descriptor (not closed by the reader), `chunk` bytes per read.
  explicit LineReader(int fd, std::string name, size_t chunk = 1 << 20);
  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&&) = delete;
  ~LineReader();

  /// The next line, without '\n' and a trailing '\r'. False at end of file or on a read error
  /// (then error() is non-empty). The view is valid until the next call.
  bool next(std::string_view& line, bool& overlong);
  /// 1-based number of the line last returned.
  uint64_t line_no() const { return line_no_; }
  /// Bytes read so far.
  uint64_t bytes() const { return bytes_; }
  /// The read error, empty when none.
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

 private:
  bool fill();
  int fd_ = -1;
  bool owns_fd_ = false;
  bool eof_ = false;
  std::string name_;
  std::string error_;
  std::unique_ptr<char[]> buf_;  ///< kChunk + kMaxLine bytes, not zero-filled
  size_t cap_ = 0;
  size_t chunk_ = 0;
  size_t begin_ = 0, end_ = 0;
  uint64_t line_no_ = 0, bytes_ = 0;
};

}  // namespace hangscope::ftrace
