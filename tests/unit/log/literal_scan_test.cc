// The SIMD literal prefilter never misses a literal (checked against a naive search on random
// text, at every alignment and at the very end of the text) and skips text without literals.
#include "log/literal_scan.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace hangscope::log {
namespace {

const std::vector<std::string_view> kLits = {
    "BUG:",         "WARNING:",   "INFO:", "general protection",
    "Kernel panic", "kernel BUG", "int3:", "panic:"};

// Positions where some literal's first four bytes occur.
std::vector<std::size_t> naive(std::string_view s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i + 4 <= s.size(); ++i)
    for (std::string_view l : kLits)
      if (s.substr(i, 4) == l.substr(0, 4)) {
        out.push_back(i);
        break;
      }
  return out;
}

class LiteralScanIsa : public ::testing::TestWithParam<LiteralScanner::Isa> {};

TEST_P(LiteralScanIsa, NeverMissesALiteral) {
  LiteralScanner scan(kLits, GetParam());
  std::mt19937 rng(7);
  const std::string alphabet = "BUGWARNINFOgenralpotcKkbi3:  \t[]0123456789xyz";
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    std::size_t len = rng() % 120;
    for (std::size_t i = 0; i < len; ++i) s += alphabet[rng() % alphabet.size()];
    // Plant a literal at a random place, often at the very end.
    std::string_view lit = kLits[rng() % kLits.size()];
    std::size_t at = (round % 3 == 0) ? s.size() : rng() % (s.size() + 1);
    s.insert(at, lit);
    std::vector<std::size_t> want = naive(s);
    ASSERT_FALSE(want.empty());
    for (std::size_t w : want) {
      std::size_t got = scan.find(s, w);
      EXPECT_EQ(got, w) << s;  // a true position is found from itself...
      std::size_t from = w >= 5 ? w - 5 : 0;
      EXPECT_LE(scan.find(s, from), w) << s;  // ... and not skipped from before it
    }
  }
}

TEST_P(LiteralScanIsa, PlainTextHasNoCandidate) {
  LiteralScanner scan(kLits, GetParam());
  std::string_view line = "ext4_file_write_iter+0x1c/0x30 fs/ext4/file.c:123 do_syscall_64";
  EXPECT_EQ(scan.find(line, 0), LiteralScanner::npos);
  EXPECT_EQ(scan.find("", 0), LiteralScanner::npos);
  EXPECT_EQ(scan.find("BUG", 0), LiteralScanner::npos);
  EXPECT_EQ(scan.find("BUG:", 0), 0u);
  EXPECT_EQ(scan.find("BUG:", 1), LiteralScanner::npos);
  EXPECT_EQ(scan.find(std::string(40, 'x') + "INFO:", 0), 40u);
}

INSTANTIATE_TEST_SUITE_P(AllWidths, LiteralScanIsa,
                         ::testing::Values(LiteralScanner::Isa::scalar, LiteralScanner::Isa::ssse3,
                                           LiteralScanner::Isa::avx2),
                         [](const ::testing::TestParamInfo<LiteralScanner::Isa>& info) {
                           switch (info.param) {
                             case LiteralScanner::Isa::scalar:
                               return std::string("scalar");
                             case LiteralScanner::Isa::ssse3:
                               return std::string("ssse3");
                             case LiteralScanner::Isa::avx2:
                               return std::string("avx2");
                             default:
                               return std::string("best");
                           }
                         });

}  // namespace
}  // namespace hangscope::log
