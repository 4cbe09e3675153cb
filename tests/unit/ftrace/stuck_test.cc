#include "ftrace/stuck.h"

#include <gtest/gtest.h>

#include <map>

#include "ftrace/trace_scan.h"
#include "ftrace_test_util.h"

namespace hangscope::ftrace {
namespace {

using testing::fixture;
using testing::TempFile;

const char* kFormats[] = {"perf", "tracefs", "tracecmd", "plain", "bare"};

TEST(FtraceStuck, SeedTailStopsInRwsemSlowpath) {
  auto r = find_stuck(testing::seed_tail());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tasks.size(), 1u);
  const StuckTask& t = r->tasks[0];
  EXPECT_EQ(t.label, "cpu 0");
  EXPECT_TRUE(t.sleeping);
  EXPECT_EQ(open_path(t.calls), "... -> down_read -> rwsem_down_read_slowpath -> schedule");
  ASSERT_EQ(t.calls.size(), 5u);
  EXPECT_EQ(t.calls[0].origin, FrameOrigin::kBeforeTrace);
  EXPECT_EQ(t.calls[2].line_no, 2u);
  EXPECT_EQ(t.calls[4].line_no, 9u);
  EXPECT_EQ(t.calls[4].children, 3u);  // rcu_note_context_switch, _raw_spin_lock, update_rq_clock
  EXPECT_FALSE(t.calls[4].has_age);    // no timestamps in the seed
  std::string text = render_stuck_text(*r);
  EXPECT_NE(text.find("down_read -> rwsem_down_read_slowpath -> schedule"), std::string::npos);
}

TEST(FtraceStuck, EveryFormatOfTheBadRunStopsAtTheSamePlace) {
  for (const char* f : kFormats) {
    auto r = find_stuck(fixture(std::string("sync-bad.") + f + ".txt"));
    ASSERT_TRUE(r.ok()) << f << ": " << r.error().message;
    ASSERT_EQ(r->tasks.size(), 1u) << f;  // the kworker returned
    EXPECT_EQ(r->tasks[0].label, "sync-2201") << f;
    EXPECT_EQ(open_path(r->tasks[0].calls),
              "ksys_sync -> iterate_supers -> down_read -> rwsem_down_read_slowpath -> schedule")
        << f;
    EXPECT_EQ(r->stats.lost_notes, 1u) << f;
    EXPECT_EQ(r->tasks[0].missing_exits, 1u) << f;  // wait_sb_inodes' exit was lost
    EXPECT_EQ(r->tasks_seen, 2u) << f;
  }
}

TEST(FtraceStuck, TimestampsGiveTheAgeOfEachOpenCall) {
  auto r = find_stuck(fixture("sync-bad.tracefs.txt"));
  ASSERT_TRUE(r.ok());
  const auto& calls = r->tasks.at(0).calls;
  ASSERT_TRUE(calls[0].has_age);
  for (size_t i = 1; i < calls.size(); ++i)
    EXPECT_LT(calls[i].entered_before_end_s, calls[i - 1].entered_before_end_s);
  EXPECT_NEAR(calls.back().entered_before_end_s, 1000.000068 - 1000.000056, 1e-7);
  auto j = stuck_to_json(*r);
  EXPECT_EQ(j["tasks"][0]["open_calls"].size(), 5u);
  EXPECT_TRUE(j["tasks"][0]["open_calls"][4].contains("entered_before_end_s"));
}

TEST(FtraceStuck, GoodRunsReturnFromEverything) {
  for (const char* f : kFormats) {
    auto r = find_stuck(fixture(std::string("sync-good.") + f + ".txt"));
    ASSERT_TRUE(r.ok()) << f << ": " << r.error().message;
    EXPECT_TRUE(r->tasks.empty()) << f;
    EXPECT_EQ(r->stats.unknown_lines, 0u) << f;
  }
}

TEST(FtraceStuck, CrlfGivesTheSameAnswer) {
  std::string text = testing::read_all(fixture("sync-bad.tracefs.txt"));
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  TempFile f(crlf);
  auto r = find_stuck(f.path());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->tasks.size(), 1u);
  EXPECT_EQ(r->tasks[0].calls.back().func, "schedule");
}

TEST(FtraceStuck, BadInputIsAOneLineErrorNamingTheFile) {
  TempFile empty("");
  auto e = find_stuck(empty.path());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find(empty.path()), std::string::npos);
  EXPECT_NE(e.error().message.find("empty"), std::string::npos);

  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage += static_cast<char>((i * 7919) % 256);
  TempFile bin(garbage);
  auto b = find_stuck(bin.path());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message.find('\n'), std::string::npos);
  EXPECT_NE(b.error().message.find(bin.path()), std::string::npos);

  TempFile fn("# tracer: function\n  sync-1 [000] ..... 1.0: ksys_sync <-do_syscall_64\n");
  auto f = find_stuck(fn.path());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("'function' tracer"), std::string::npos);

  TempFile c_source("int main() {\n  printf(\"hi\");\n  return 0;\n}\n");
  auto c = find_stuck(c_source.path());
  ASSERT_FALSE(c.ok());  // looks like calls, but has no function_graph column nor header
  EXPECT_NE(c.error().message.find("no function_graph columns"), std::string::npos);

  auto missing = find_stuck("/nonexistent/trace.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/trace.txt"), std::string::npos);
}

TEST(FtraceStuck, TenMegabyteLineIsSkippedNotStored) {
  std::string text = " 0)               |  ksys_sync() {\n" + std::string(10 << 20, 'x') +
                     "\n 0)               |    iterate_supers() {\n";
  TempFile f(text);
  auto r = find_stuck(f.path());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.overlong_lines, 1u);
  EXPECT_EQ(open_path(r->tasks.at(0).calls), "ksys_sync -> iterate_supers");
  EXPECT_EQ(r->tasks[0].calls[1].line_no, 3u);
}

TEST(FtraceStuck, GeneratedDeepAndLongTrace) {
  // 300 nested calls, then 200000 leaf/loop lines inside the innermost, then half unwinds.
  std::string text;
  auto indent = [](int d) { return std::string(static_cast<size_t>(d) * 2, ' '); };
  for (int d = 0; d < 300; ++d)
    text += " 1)               |  " + indent(d) + "level_" + std::to_string(d) + "() {\n";
  for (int i = 0; i < 100000; ++i) {
    text += " 1)   0.100 us    |  " + indent(300) + "spin_" + std::to_string(i % 3) + "();\n";
    text += " 1)               |  " + indent(300) + "loop_body() {\n";
    text += " 1)   0.200 us    |  " + indent(300) + "}\n";
  }
  for (int d = 299; d >= 150; --d) text += " 1)   9.000 us    |  " + indent(d) + "}\n";
  TempFile f(text);
  auto r = find_stuck(f.path());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tasks.size(), 1u);
  const auto& calls = r->tasks[0].calls;
  ASSERT_EQ(calls.size(), 150u);
  EXPECT_EQ(calls.back().func, "level_149");
  EXPECT_EQ(calls.back().children, 1u);
  EXPECT_EQ(r->tasks[0].missing_exits, 0u);
  EXPECT_EQ(r->stats.graph_lines, 300u + 300000u + 150u);
}

TEST(FtraceStuck, TwoCpusWithoutTaskColumnSplitByTaskSwitches) {
  auto r = find_stuck(fixture("two-cpus-fuse-umount.trace.txt"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tasks.size(), 2u);
  std::map<std::string, std::string> paths;
  for (const auto& t : r->tasks) paths[t.label] = open_path(t.calls);
  EXPECT_EQ(paths["sync-812"],
            "ksys_sync -> iterate_supers -> down_read -> rwsem_down_read_slowpath -> schedule");
  EXPECT_EQ(paths["umount-811"],
            "deactivate_super -> fuse_kill_sb_anon -> fuse_send_destroy -> fuse_simple_request -> "
            "request_wait_answer -> schedule");
  EXPECT_EQ(r->stats.comments, 1u);
  EXPECT_EQ(r->stats.task_switches, 4u);
}

TEST(FtraceStuck, LatencyColumnRetvalsAndHugeDurations) {
  auto r = find_stuck(fixture("latency-retval.trace.txt"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->tasks.empty());
  EXPECT_EQ(r->stats.graph_lines, 6u);
  EXPECT_EQ(r->stats.unknown_lines, 0u);
  CallStackTracker t;
  auto st = scan_trace_file(fixture("latency-retval.trace.txt"), t);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(t.streams().at(0)->label(), "mount-90");
  EXPECT_EQ(t.streams()[0]->last_func, "path_mount");
}

TEST(FtraceStuck, HostileDepthTimesTasksIsBounded) {
  // 3000 tasks, each one line at depth 1000: 3M placeholder frames are not stored.
  std::string text;
  std::string pad(2000, ' ');
  for (int pid = 1; pid <= 3000; ++pid)
    text += " 0)   t-" + std::to_string(pid) + "  |               |  " + pad + "f() {\n";
  TempFile f(text);
  CallStackTracker t;
  ASSERT_TRUE(scan_trace_file(f.path(), t).ok());
  EXPECT_GT(t.stats().dropped_lines, 0u);
  size_t stored = 0;
  for (const auto& s : t.streams()) stored += s->frames.capacity();
  EXPECT_LE(stored, CallStackTracker::kMaxFrames);
}

TEST(FtraceCallStack, LostExitsAndEntriesArePlaceholders) {
  CallStackTracker t;
  const char* lines[] = {
      " 0)               |  a() {",       " 0)               |    b() {",
      " 0)               |      c() {",   "CPU:0 [LOST 3 EVENTS]",
      " 0)   1.000 us    |    } /* b */",  // c's exit lost
      " 0)               |        e() {",  // d's entry lost (depth 3 under a)
  };
  uint64_t n = 0;
  for (const char* l : lines) t.feed(parse_graph_line(l), ++n);
  const TaskStream& s = *t.streams().at(0);
  EXPECT_EQ(s.missing_exits, 1u);
  EXPECT_EQ(s.lost_events, 3u);
  ASSERT_EQ(s.open, 4u);
  EXPECT_EQ(s.frames[0].func, "a");
  EXPECT_EQ(s.frames[1].origin, FrameOrigin::kEntryLost);
  EXPECT_EQ(s.frames[2].origin, FrameOrigin::kEntryLost);
  EXPECT_EQ(s.frames[3].func, "e");
}

TEST(FtraceCallStack, SwitchLinesNameTheCpuStreamAndSeparateTasks) {
  CallStackTracker t;
  const char* lines[] = {
      " 0)               |  ksys_sync() {",
      " 0)               |    schedule() {",
      " ------------------------------------------",
      " 0)    sync-12    =>  kworke-7  ",
      " ------------------------------------------",
      " 0)               |  process_one_work() {",
      " 0)   1.0 us      |  }",
      " 0)   ==========> |",
      " 0)               |    irq_handler() {",
      " 0)   <========== |",
  };
  uint64_t n = 0;
  for (const char* l : lines) t.feed(parse_graph_line(l), ++n);
  ASSERT_EQ(t.streams().size(), 2u);
  EXPECT_EQ(t.streams()[0]->label(), "sync-12");
  EXPECT_EQ(t.streams()[0]->open, 2u);
  EXPECT_EQ(t.streams()[1]->label(), "kworke-7");
  ASSERT_EQ(t.streams()[1]->open, 2u);  // placeholder at depth 0, irq_handler at depth 1
  EXPECT_TRUE(t.streams()[1]->frames[1].irq);
}

}  // namespace
}  // namespace hangscope::ftrace
