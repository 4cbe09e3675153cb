// Bad command lines and inputs: one line on stderr naming the input, exit 2, no crash.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

struct Outcome {
  int exit_code;
  std::string err;
};

Outcome run(const std::string& args) {
  std::string cmd = std::string(HANGSCOPE_BIN) + " " + args + " 2>&1 >/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::string err;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) err.append(buf, n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, err};
}

void expect_one_line_error(const Outcome& o, const std::string& mentions) {
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_NE(o.err.find(mentions), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
}

TEST(CliErrors, LiveCommands) {
  expect_one_line_error(run("why abc"), "'abc' is not a pid");
  expect_one_line_error(run("why 4194000"), "no task with pid 4194000");
  expect_one_line_error(run("why 99999999"), "not a pid");
  expect_one_line_error(run("scan --min 5x"), "--min '5x'");
  expect_one_line_error(run("analyze /nonexistent/s.json"), "/nonexistent/s.json");
  expect_one_line_error(run("nosuchcommand"), "unknown command 'nosuchcommand'");
}

TEST(CliErrors, GarbageSnapshot) {
  std::string path = ::testing::TempDir() + "/garbage.json";
  {
    std::ofstream f(path, std::ios::binary);
    for (int i = 0; i < 70000; ++i) f.put(static_cast<char>((i * 2654435761u) >> 24));
  }
  expect_one_line_error(run("analyze " + path), path);
}

}  // namespace
