// The syzkaller corpus (tests/data/syzkaller/linux/report, copied from ../shared): every log's first report title must
// equal the expected TITLE or one of its ALT titles; a log without TITLE must give no report.
// The agreement rate is printed and may not fall below kMinAgreement (raise it as titles improve).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "log/log_parser.h"

namespace hangscope::log {
namespace {

// Ratchet: the agreement reached so far (percent). Never lower it.
constexpr double kMinAgreement = 99.5;

struct CorpusCase {
  std::string name;
  std::string title;  // "" = no crash expected
  std::vector<std::string> alts;
  std::string log;
};

// The test-file format: "KEY: value" headers, an empty line, the log, and optionally an empty
// line, "REPORT:" and the expected report text (not part of the log).
CorpusCase load_case(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  data.erase(std::remove(data.begin(), data.end(), '\r'), data.end());
  CorpusCase c;
  c.name = path.filename().string();
  std::size_t pos = 0;
  bool headers = true, prev_empty = false;
  while (pos <= data.size()) {
    std::size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) nl = data.size();
    std::string line = data.substr(pos, nl - pos);
    pos = nl + 1;
    if (headers) {
      if (line.empty())
        headers = false;
      else if (line.rfind("TITLE: ", 0) == 0)
        c.title = line.substr(7);
      else if (line.rfind("ALT: ", 0) == 0)
        c.alts.push_back(line.substr(5));
      continue;
    }
    if (prev_empty && line == "REPORT:") break;
    if (nl < data.size() || !line.empty()) {
      c.log += line;
      c.log += '\n';
    }
    prev_empty = line.empty();
  }
  return c;
}

TEST(SyzkallerCorpus, FirstTitleAgreement) {
  std::filesystem::path dir =
      std::filesystem::path(HANGSCOPE_TESTDATA_DIR) / "syzkaller/linux/report";
  ASSERT_TRUE(std::filesystem::exists(dir)) << "corpus not found: " << dir;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 500u);
  int agree = 0;
  std::vector<std::string> misses;
  for (const auto& f : files) {
    CorpusCase c = load_case(f);
    std::vector<std::string> titles = titles_of(c.log);
    bool ok;
    if (c.title.empty()) {
      ok = titles.empty();
    } else {
      ok = !titles.empty() && (titles[0] == c.title ||
                               std::find(c.alts.begin(), c.alts.end(), titles[0]) != c.alts.end());
    }
    if (ok)
      ++agree;
    else
      misses.push_back(c.name + ": got \"" + (titles.empty() ? "<none>" : titles[0]) +
                       "\" want \"" + c.title + "\"");
  }
  double rate = 100.0 * agree / static_cast<double>(files.size());
  std::printf("syzkaller corpus: %d/%zu first titles agree (%.1f%%)\n", agree, files.size(), rate);
  if (std::getenv("HANGSCOPE_CORPUS_VERBOSE"))
    for (const auto& m : misses) std::printf("  MISS %s\n", m.c_str());
  EXPECT_GE(rate, kMinAgreement) << "title agreement fell below the ratchet";
}

}  // namespace
}  // namespace hangscope::log
