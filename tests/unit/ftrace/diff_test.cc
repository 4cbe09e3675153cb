#include "ftrace/diff.h"

#include <gtest/gtest.h>

#include "ftrace_test_util.h"

namespace hangscope::ftrace {
namespace {

using testing::fixture;
using testing::TempFile;

const char* kFormats[] = {"perf", "tracefs", "tracecmd", "plain", "bare"};

void expect_slowpath_divergence(const DiffReport& r, const std::string& what) {
  ASSERT_GE(r.divergences.size(), 1u) << what;
  EXPECT_EQ(r.divergences[0].func, "rwsem_down_read_slowpath") << what;
  ASSERT_FALSE(r.divergences[0].path.empty()) << what;
  EXPECT_EQ(r.divergences[0].path.back(), "down_read") << what;
  EXPECT_EQ(r.divergences_total, 1u) << what;
  EXPECT_TRUE(r.stop.known) << what;
  EXPECT_EQ(r.stop.func, "down_read") << what;
  EXPECT_GT(r.stop.good_returned, 0u) << what;
  EXPECT_EQ(r.stop.good_open_at_end, 0u) << what;
  ASSERT_FALSE(r.bad_open.calls.empty()) << what;
  EXPECT_EQ(r.bad_open.calls.back().func, "schedule") << what;
}

TEST(FtraceDiff, EveryFormatPairAndAcrossFormats) {
  for (const char* g : kFormats) {
    for (const char* b : kFormats) {
      auto r = diff_traces(fixture(std::string("sync-good.") + g + ".txt"),
                           fixture(std::string("sync-bad.") + b + ".txt"), DiffOptions{});
      ASSERT_TRUE(r.ok()) << g << "/" << b << ": " << r.error().message;
      expect_slowpath_divergence(*r, std::string(g) + "/" + b);
      EXPECT_EQ(r->bad_task, "sync-2201");
    }
  }
}

TEST(FtraceDiff, SeedTailAlignsUnderUnknownAncestors) {
  auto r = diff_traces(fixture("sync-good.perf.txt"), testing::seed_tail(), DiffOptions{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  expect_slowpath_divergence(*r, "seed");
  EXPECT_EQ(r->divergences[0].bad_line, 6u);
  // GOOD's context is its own down_read, which returns where BAD went into the slowpath.
  bool marked_exit = false;
  for (const auto& l : r->good_context)
    if (l.marked) marked_exit = l.step.kind == StepKind::kExit && l.step.func == "down_read";
  EXPECT_TRUE(marked_exit);
  bool marked_bad = false;
  for (const auto& l : r->bad_context)
    if (l.marked) marked_bad = l.step.line == 6;
  EXPECT_TRUE(marked_bad);
  std::string text = render_diff_text(*r);
  EXPECT_NE(text.find("first divergence: BAD line 6 calls rwsem_down_read_slowpath()"),
            std::string::npos);
  EXPECT_NE(text.find("... -> down_read -> rwsem_down_read_slowpath -> schedule"),
            std::string::npos);
}

TEST(FtraceDiff, PicksTheBadTaskGoodAlsoRan) {
  auto r = diff_traces(fixture("sync-good.tracefs.txt"), fixture("two-cpus-fuse-umount.trace.txt"),
                       DiffOptions{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->bad_task, "sync-812");  // umount has more calls, but GOOD never ran umount
  expect_slowpath_divergence(*r, "two cpus");
  DiffOptions o;
  o.bad_task = "umount";
  auto u =
      diff_traces(fixture("sync-good.tracefs.txt"), fixture("two-cpus-fuse-umount.trace.txt"), o);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->bad_task, "umount-811");
  ASSERT_FALSE(u->divergences.empty());
  EXPECT_EQ(u->divergences[0].func, "deactivate_super");
}

TEST(FtraceDiff, SameRunHasNoDivergence) {
  auto r = diff_traces(fixture("sync-good.tracefs.txt"), fixture("sync-good.tracecmd.txt"),
                       DiffOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->divergences_total, 0u);
  EXPECT_TRUE(r->bad_open.calls.empty());
}

/// A loop over `n` items; item `stuck_at` (if >= 0) blocks in the slow path.
std::string loop_trace(int n, int stuck_at, bool noisy) {
  std::string t = " 0)               |  outer() {\n";
  for (int i = 0; i < n; ++i) {
    t += " 0)   0.100 us    |    _raw_spin_lock();\n";
    t += " 0)               |    lock_item() {\n";
    if (noisy && i % 2) {
      t += " 0)               |      __cond_resched() {\n 0)   0.1 us   |        rcu_all_qs();\n";
      t += " 0)   0.3 us   |      }\n 0)   ==========> |\n";
      t += " 0)               |      asm_sysvec_apic_timer_interrupt() {\n";
      t += " 0)   0.5 us   |        hrtimer_interrupt();\n 0)   0.9 us   |      }\n";
      t += " 0)   <========== |\n";
    }
    if (i == stuck_at) {
      t += " 0)               |      lock_slowpath.isra.0() {\n";
      t += " 0)               |        schedule() {\n";
      return t;
    }
    t += " 0)   0.100 us    |      0xffffffff81234567();\n";
    t += " 0)   0.300 us    |    }\n";
    t += " 0)   0.200 us    |    process_item.constprop.1();\n";
    t += " 0)   0.100 us    |    unlock_item();\n";
  }
  return t + " 0)   9.000 us    |  }\n";
}

TEST(FtraceDiff, LoopCountsAndNoiseDoNotDiverge) {
  TempFile good(loop_trace(100, -1, false));
  TempFile bad(loop_trace(7, 2, true));
  auto r = diff_traces(good.path(), bad.path(), DiffOptions{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->divergences.size(), 1u);
  EXPECT_EQ(r->divergences[0].func, "lock_slowpath");
  EXPECT_EQ(r->divergences_total, 1u);
  EXPECT_EQ(r->divergences[0].path, (std::vector<std::string>{"outer", "lock_item"}));
  EXPECT_EQ(r->stop.func, "lock_item");
  EXPECT_EQ(r->stop.good_returned, 100u);
  EXPECT_NE(r->good_context_note.find("call 3 of lock_item"), std::string::npos);

  TempFile short_bad(loop_trace(3, -1, true));
  auto same = diff_traces(good.path(), short_bad.path(), DiffOptions{});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->divergences_total, 0u);
}

TEST(FtraceDiff, KeepNoiseMakesInterruptsAndReschedCount) {
  TempFile good(loop_trace(100, -1, false));
  TempFile bad(loop_trace(3, -1, true));
  DiffOptions o;
  o.keep_noise = true;
  o.max_divergences = 10;
  auto r = diff_traces(good.path(), bad.path(), o);
  ASSERT_TRUE(r.ok());
  ASSERT_GE(r->divergences.size(), 1u);
  EXPECT_EQ(r->divergences[0].func, "__cond_resched");
}

TEST(FtraceDiff, ExtraNoisePatternsAndTaskChoice) {
  TempFile good(loop_trace(5, -1, false));
  TempFile bad(loop_trace(5, 1, false));
  DiffOptions o;
  o.noise = {"lock_slow*"};
  auto r = diff_traces(good.path(), bad.path(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->divergences_total, 0u);
  o.bad_task = "nosuchtask";
  auto e = diff_traces(good.path(), bad.path(), o);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find(bad.path()), std::string::npos);
  EXPECT_NE(e.error().message.find("cpu 0"), std::string::npos);
}

TEST(FtraceDiff, JsonHasTheDivergenceContextAndOpenCalls) {
  auto r =
      diff_traces(fixture("sync-good.tracefs.txt"), fixture("sync-bad.tracefs.txt"), DiffOptions{});
  ASSERT_TRUE(r.ok());
  auto j = diff_to_json(*r);
  EXPECT_EQ(j["schema"], "hangscope-ftrace-diff/1");
  EXPECT_EQ(j["divergences"][0]["function"], "rwsem_down_read_slowpath");
  EXPECT_EQ(j["bad_open_calls"].size(), 5u);
  EXPECT_GT(j["context"]["bad"].size(), 1u);
  EXPECT_GT(j["context"]["good"].size(), 1u);
  EXPECT_EQ(j["stop"]["function"], "down_read");
}

TEST(FtraceDiff, BadInputs) {
  TempFile empty("");
  auto e = diff_traces(empty.path(), fixture("sync-bad.perf.txt"), DiffOptions{});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find(empty.path()), std::string::npos);
  auto s = diff_traces("-", fixture("sync-bad.perf.txt"), DiffOptions{});
  ASSERT_FALSE(s.ok());
}

}  // namespace
}  // namespace hangscope::ftrace
