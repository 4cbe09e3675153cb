#include "log/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace hangscope::log {
namespace {

// Lines read from `data` through a pipe (the reader sees it like stdin).
std::vector<std::string> read_all(const std::string& data, std::size_t buffer = 64,
                                  std::size_t max_line = 16,
                                  std::vector<bool>* truncated = nullptr) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    std::size_t off = 0;
    while (off < data.size()) {
      ssize_t n =
          ::write(fds[1], data.data() + off, std::min<std::size_t>(4096, data.size() - off));
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  LineReader r(fds[0], true, buffer, max_line);
  std::vector<std::string> out;
  std::string_view line;
  while (r.next(line)) {
    out.emplace_back(line);
    if (truncated) truncated->push_back(r.last_truncated());
  }
  writer.join();
  EXPECT_TRUE(r.error().empty());
  return out;
}

TEST(LineReader, SplitsLinesAndStripsCr) {
  auto lines = read_all("a\r\nbb\nccc\r\n\nlast");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "bb");
  EXPECT_EQ(lines[2], "ccc");
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4], "last");  // no trailing newline
}

TEST(LineReader, EmptyInputHasNoLines) { EXPECT_TRUE(read_all("").empty()); }

TEST(LineReader, TruncatesLongLinesAndResynchronises) {
  std::vector<bool> trunc;
  std::string longline(1000, 'x');
  auto lines = read_all("short\n" + longline + "\nafter\n", 64, 16, &trunc);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "short");
  EXPECT_EQ(lines[1], std::string(16, 'x'));
  EXPECT_TRUE(trunc[1]);
  EXPECT_EQ(lines[2], "after");
  EXPECT_FALSE(trunc[2]);
}

TEST(LineReader, TenMegabyteLineWithDefaultLimits) {
  std::string data = "before\n" + std::string(10 << 20, 'A') + "\nafter\n";
  std::vector<bool> trunc;
  auto lines =
      read_all(data, LineReader::kDefaultBufferBytes, LineReader::kDefaultMaxLineBytes, &trunc);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].size(), LineReader::kDefaultMaxLineBytes);
  EXPECT_EQ(lines[2], "after");
}

TEST(LineReader, PassesNulAndBinaryBytes) {
  std::string data("a\0b\xff\n\x01\x02\n", 8);
  auto lines = read_all(data);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::string("a\0b\xff", 4));
}

TEST(LineReader, OpenErrorsNameThePath) {
  auto r = LineReader::open("/nonexistent/kern.log");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/kern.log"), std::string::npos);
  auto d = LineReader::open("/tmp");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("directory"), std::string::npos);
}

}  // namespace
}  // namespace hangscope::log
