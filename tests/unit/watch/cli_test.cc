// hangscope watch: bad arguments give one clear line and exit 2 (checked before any BPF).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

struct CliRun {
  int code = -1;
  std::string out;
};

CliRun run(const std::string& args) {
  std::string cmd = std::string(HANGSCOPE_BIN) + " watch " + args + " 2>&1";
  CliRun r;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return r;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, f)) r.out.append(buf, n);
  int st = pclose(f);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(WatchCli, ThresholdBelowOneSecondIsRejected) {
  CliRun r = run("--threshold 500ms --duration 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--threshold '500ms'"), std::string::npos) << r.out;
}

TEST(WatchCli, GarbageDurationIsRejected) {
  CliRun r = run("--duration 'ab\x01c'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--duration"), std::string::npos) << r.out;
}

TEST(WatchCli, UnwritableOutputIsRejected) {
  CliRun r = run("--output /nonexistent-dir/watch.jsonl --duration 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("/nonexistent-dir/watch.jsonl"), std::string::npos) << r.out;
}

TEST(WatchCli, UnknownOptionIsRejected) { EXPECT_EQ(run("--bogus").code, 2); }

}  // namespace
