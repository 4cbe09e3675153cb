// `hangscope log --titles` takes shortcuts (no timestamps, lines skipped while no report is
// open, no classification). On the whole corpus, as one log (reports back to back, as in
// bench/log_bench.sh) and per file, its titles must equal those of the full analysis.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "log/log_parser.h"

namespace hangscope::log {
namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> full_titles(const std::string& text) {
  ParseOptions opts;
  opts.max_events = 1u << 30;
  LogDigest d = parse_log_text(text, opts);
  std::vector<std::string> out;
  for (const Event& e : d.events) out.push_back(e.title);
  EXPECT_EQ(d.events.size(), d.reports);
  return out;
}

TEST(TitlesFastPath, SameTitlesAsTheFullAnalysis) {
  std::filesystem::path shared(HANGSCOPE_TESTDATA_DIR);
  std::filesystem::path dir = shared / "syzkaller/linux/report";
  ASSERT_TRUE(std::filesystem::exists(dir)) << "corpus not found: " << dir;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  for (const char* sub : {"seed-case", "hangs-6.18"})
    if (std::filesystem::exists(shared / sub))
      for (const auto& e : std::filesystem::directory_iterator(shared / sub))
        if (e.path().extension() == ".dmesg") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 500u);
  std::string all;
  for (const auto& f : files) {
    std::string text = read_all(f);
    EXPECT_EQ(titles_of(text), full_titles(text)) << f;
    all += text;
    if (!all.empty() && all.back() != '\n') all += '\n';
  }
  std::vector<std::string> fast = titles_of(all);
  EXPECT_GT(fast.size(), 500u);
  EXPECT_EQ(fast, full_titles(all));
}

}  // namespace
}  // namespace hangscope::log
