// End-to-end: the hangscope binary's `ftrace` subcommands.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ftrace_test_util.h"

namespace hangscope::ftrace {
namespace {

using testing::fixture;
using testing::run_command;
using testing::TempFile;

std::string bin() { return HANGSCOPE_BIN; }

TEST(FtraceCli, StuckOnTheSeedTail) {
  auto r = run_command(bin() + " ftrace stuck " + testing::seed_tail());
  EXPECT_EQ(r.exit_code, 1);  // open calls found
  EXPECT_NE(r.out.find("... -> down_read -> rwsem_down_read_slowpath -> schedule"),
            std::string::npos);
  auto j = run_command(bin() + " ftrace stuck --json " + testing::seed_tail());
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["tasks"][0]["path"], "... -> down_read -> rwsem_down_read_slowpath -> schedule");
}

TEST(FtraceCli, StuckReadsStdinAndReturnsZeroWhenAllReturned) {
  auto r = run_command(bin() + " ftrace stuck - < " + fixture("sync-good.perf.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("every traced call returned"), std::string::npos);
}

TEST(FtraceCli, DiffTextAndJson) {
  auto r = run_command(bin() + " ftrace diff " + fixture("sync-good.tracecmd.txt") + " " +
                       testing::seed_tail());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("first divergence: BAD line 6 calls rwsem_down_read_slowpath()"),
            std::string::npos);
  auto j = run_command(bin() + " ftrace diff --json --context 2 " + fixture("sync-good.perf.txt") +
                       " " + fixture("sync-bad.tracecmd.txt"));
  EXPECT_EQ(j.exit_code, 1);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["divergences"][0]["function"], "rwsem_down_read_slowpath");
  EXPECT_LE(doc["context"]["bad"].size(), 5u);
  auto same = run_command(bin() + " ftrace diff " + fixture("sync-good.perf.txt") + " " +
                          fixture("sync-good.bare.txt"));
  EXPECT_EQ(same.exit_code, 0) << same.out;
}

TEST(FtraceCli, RepeatableNoiseOptionLeavesThePositionals) {
  auto r = run_command(bin() + " ftrace diff --noise 'rwsem_down*' --noise foo " +
                       fixture("sync-good.perf.txt") + " " + fixture("sync-bad.tracefs.txt"));
  EXPECT_EQ(r.exit_code, 1) << r.err;  // no divergence left, but BAD stops where GOOD returned
  EXPECT_NE(r.out.find("no divergence"), std::string::npos);
  EXPECT_NE(r.out.find("BAD stops inside down_read()"), std::string::npos);
}

TEST(FtraceCli, BadInputExitsTwoWithOneLineNamingTheFile) {
  TempFile garbage(
      std::string("\x7f"
                  "ELF\x02\x01\x01\0\0\0garbage\xff\xfe",
                  20));
  for (const std::string& args : std::vector<std::string>{
           " ftrace stuck " + garbage.path(), " ftrace stuck /nonexistent/x.txt",
           " ftrace diff " + garbage.path() + " " + testing::seed_tail()}) {
    auto r = run_command(bin() + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.find(garbage.path()) != std::string::npos ||
                r.err.find("/nonexistent/x.txt") != std::string::npos)
        << r.err;
  }
  auto usage = run_command(bin() + " ftrace");
  EXPECT_EQ(usage.exit_code, 2);
  auto no_cmd = run_command(bin() + " ftrace record");
  EXPECT_EQ(no_cmd.exit_code, 2);
}

}  // namespace
}  // namespace hangscope::ftrace
