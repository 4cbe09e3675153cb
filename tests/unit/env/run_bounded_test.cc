// Real child processes (sh is always present): output, exit codes, the hard time limit.
#include "env/run_bounded.h"

#include <gtest/gtest.h>

namespace hangscope::env {
namespace {

using std::chrono::milliseconds;

TEST(RunBounded, CapturesStdoutAndStderrAndExitCode) {
  auto r = run_bounded({"sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(5000));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out\n"), std::string::npos);
  EXPECT_NE(r->output.find("err\n"), std::string::npos);
}

TEST(RunBounded, ChildSeesCLocaleAndNoStdin) {
  auto r = run_bounded({"sh", "-c", "echo $LC_ALL; cat; echo done"}, milliseconds(5000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "C\ndone\n");
}

TEST(RunBounded, NotFoundIsAnError) {
  auto r = run_bounded({"hangscope-no-such-program-xyz", "--version"}, milliseconds(1000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "hangscope-no-such-program-xyz: not found in PATH");
  EXPECT_FALSE(run_bounded({}, milliseconds(1000)).ok());
}

TEST(RunBounded, HungChildAndItsChildrenAreKilled) {
  // The grandchild keeps the output pipe open: only killing the process group ends it.
  auto r = run_bounded({"sh", "-c", "sleep 30 & echo started; sleep 30"}, milliseconds(300));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, 128 + 9);
  EXPECT_EQ(r->output, "started\n");
}

TEST(RunBounded, OutputIsCapped) {
  auto r = run_bounded({"sh", "-c", "yes | head -c 100000"}, milliseconds(5000), 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output.size(), 1000u);
  EXPECT_EQ(r->exit_code, 0);
}

}  // namespace
}  // namespace hangscope::env
