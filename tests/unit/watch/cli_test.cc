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

TEST(WatchCli, RecorderAndExecOptionsAreChecked) {
  struct Case {
    const char* args;
    const char* says;
  } cases[] = {
      {"--record /tmp/x --record-max-size 0", "--record-max-size '0'"},
      {"--record /tmp/x --record-max-size 12Q", "--record-max-size '12Q'"},
      {"--record /tmp/x --record-interval soon", "--record-interval 'soon'"},
      {"--record /tmp/x --record-interval 10m --record-max-interval 1m",
       "--record-max-interval '1m': shorter than --record-interval '10m'"},
      {"--record /tmp/x --record-burst 0", "--record-burst"},
      {"--record-max-size 1M", "--record"},
      {"--exec-timeout 5s", "--exec"},
      {"--exec true --exec-timeout 0", "--exec-timeout '0'"},
      {"--record /nonexistent-dir/rec --duration 1", "/nonexistent-dir/rec: cannot create"},
      {"--top --exec true --duration 1", "--top has none"},
  };
  for (const Case& c : cases) {
    CliRun r = run(c.args);
    EXPECT_EQ(r.code, 2) << c.args << ": " << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << ": " << r.out;
  }
}

TEST(WatchCli, UnknownOptionIsRejected) { EXPECT_EQ(run("--bogus").code, 2); }

}  // namespace
