// `hangscope log` end to end: output modes and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct CliRun {
  std::string out;
  int code = -1;
};

CliRun run(const std::string& args) {
  CliRun r;
  std::string cmd = std::string(HANGSCOPE_BIN) + " log " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

const std::string kSeed = std::string(HANGSCOPE_TESTDATA_DIR) + "/seed-case/sync-hang.dmesg";

TEST(CmdLog, TitlesOfTheSeed) {
  CliRun r = run("--titles " + kSeed);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "BUG: unable to handle kernel NULL pointer dereference in nfsd_fill_super\n");
}

TEST(CmdLog, TextNamesTheLeakAndRemedy) {
  CliRun r = run(kSeed);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("modprobe (pid 9151)"), std::string::npos);
  EXPECT_NE(r.out.find("s_umount"), std::string::npos);
  EXPECT_NE(r.out.find("reboot"), std::string::npos);
  EXPECT_NE(r.out.find("host"), std::string::npos);
}

TEST(CmdLog, JsonAndDot) {
  CliRun j = run("--json " + kSeed);
  EXPECT_EQ(j.code, 1);
  EXPECT_NE(j.out.find("\"schema\":\"hangscope/1\""), std::string::npos);
  EXPECT_NE(j.out.find("\"dead_owner\""), std::string::npos);
  EXPECT_NE(j.out.find("\"reports\""), std::string::npos);
  CliRun d = run("--dot " + kSeed);
  EXPECT_EQ(d.code, 1);
  EXPECT_NE(d.out.find("digraph"), std::string::npos);
}

TEST(CmdLog, CleanEmptyStdinAndErrors) {
  EXPECT_EQ(run("--titles - < /dev/null").code, 0);
  EXPECT_EQ(run("--titles - < /dev/null").out, "");
  CliRun missing = run("/nonexistent.log");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.out.find("/nonexistent.log"), std::string::npos);
  EXPECT_EQ(run("").code, 2);
  CliRun bin = run("- < " + std::string(HANGSCOPE_BIN));  // a binary file as a log
  EXPECT_TRUE(bin.code == 0 || bin.code == 1) << bin.out.substr(0, 200);
}

}  // namespace
