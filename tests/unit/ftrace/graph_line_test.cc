#include "ftrace/graph_line.h"

#include <gtest/gtest.h>

#include <string>

namespace hangscope::ftrace {
namespace {

TEST(FtraceGraphLine, PerfFtraceCpuAndDuration) {
  auto g = parse_graph_line(" 0)   0.364 us    |      _raw_spin_lock();");
  EXPECT_EQ(g.kind, LineKind::kLeaf);
  EXPECT_EQ(g.cpu, 0);
  EXPECT_EQ(g.depth, 2);
  EXPECT_EQ(g.func, "_raw_spin_lock");
  EXPECT_TRUE(g.has_duration);
  EXPECT_NEAR(g.duration_us, 0.364, 1e-9);
  auto e = parse_graph_line(" 0)               |        rwsem_down_read_slowpath() {");
  EXPECT_EQ(e.kind, LineKind::kEntry);
  EXPECT_EQ(e.depth, 3);
  EXPECT_EQ(e.func, "rwsem_down_read_slowpath");
  EXPECT_FALSE(e.has_duration);
  auto x = parse_graph_line(" 0)   0.887 us    |        }");
  EXPECT_EQ(x.kind, LineKind::kExit);
  EXPECT_EQ(x.depth, 3);
  EXPECT_TRUE(x.func.empty());
}

TEST(FtraceGraphLine, AbsTimeCpuTaskAndTailComment) {
  auto g = parse_graph_line(
      " 2962.471015 |   1)   sync-2201    | + 35.120 us   |    } /* iterate_supers */");
  EXPECT_EQ(g.kind, LineKind::kExit);
  EXPECT_TRUE(g.has_timestamp);
  EXPECT_NEAR(g.timestamp_s, 2962.471015, 1e-9);
  EXPECT_EQ(g.cpu, 1);
  EXPECT_EQ(g.pid, 2201);
  EXPECT_EQ(g.comm, "sync");
  EXPECT_EQ(g.overhead_mark, '+');
  EXPECT_NEAR(g.duration_us, 35.12, 1e-9);
  EXPECT_EQ(g.depth, 1);
  EXPECT_EQ(g.func, "iterate_supers");
}

TEST(FtraceGraphLine, OverheadMarksAndLongDurations) {
  struct Case {
    const char* line;
    char mark;
    double us;
  } cases[] = {
      {" 3) ! 123.456 us  |  f();", '!', 123.456},  {" 3) # 1234.567 us |  f();", '#', 1234.567},
      {" 3) * 12345.67 us |  f();", '*', 12345.67}, {" 3) @ 123456.7 us |  f();", '@', 123456.7},
      {" 3) $ 1234567 us |  f();", '$', 1234567},
  };
  for (const auto& c : cases) {
    auto g = parse_graph_line(c.line);
    ASSERT_EQ(g.kind, LineKind::kLeaf) << c.line;
    EXPECT_EQ(g.overhead_mark, c.mark) << c.line;
    EXPECT_NEAR(g.duration_us, c.us, 1e-6) << c.line;
    EXPECT_EQ(g.depth, 0) << c.line;
  }
}

TEST(FtraceGraphLine, TaskWithSpacesAndDashesInComm) {
  auto g = parse_graph_line(" 0)  Web Con-4242  |   1.000 us    |  do_sys_poll();");
  EXPECT_EQ(g.kind, LineKind::kLeaf);
  EXPECT_EQ(g.comm, "Web Con");
  EXPECT_EQ(g.pid, 4242);
  auto k = parse_graph_line(" 0)  kworker-1-12  |               |  process_one_work() {");
  EXPECT_EQ(k.comm, "kworker-1");
  EXPECT_EQ(k.pid, 12);
}

TEST(FtraceGraphLine, LatencyColumn) {
  auto g = parse_graph_line(" 0)   sync-9    |  d..1 |   0.100 us    |    _raw_spin_lock();");
  EXPECT_EQ(g.kind, LineKind::kLeaf);
  EXPECT_EQ(g.pid, 9);
  EXPECT_EQ(g.depth, 1);
}

TEST(FtraceGraphLine, TraceCmdReport) {
  auto e = parse_graph_line(
      "            sync-2201  [001]  1000.000008: funcgraph_entry:                   |      "
      "down_read() {");
  EXPECT_EQ(e.kind, LineKind::kEntry);
  EXPECT_EQ(e.pid, 2201);
  EXPECT_EQ(e.cpu, 1);
  EXPECT_EQ(e.depth, 2);
  EXPECT_NEAR(e.timestamp_s, 1000.000008, 1e-9);
  auto l = parse_graph_line(
      "     kworker/1:2-77    [001]  1000.000064: funcgraph_entry:       0.500 us  |    "
      "wb_workfn();");
  EXPECT_EQ(l.kind, LineKind::kLeaf);
  EXPECT_EQ(l.comm, "kworker/1:2");
  EXPECT_EQ(l.depth, 1);
  auto x =
      parse_graph_line("  a.out-4877  [000]  1485.266120: funcgraph_exit:       ! 242.655 us |  }");
  EXPECT_EQ(x.kind, LineKind::kExit);
  EXPECT_EQ(x.overhead_mark, '!');
  auto tg = parse_graph_line(
      "  a.out-4877  (  4870) [000] d..1 1485.266120: funcgraph_exit: 1.0 us |  }");
  EXPECT_EQ(tg.kind, LineKind::kExit);
  EXPECT_EQ(tg.pid, 4877);
  auto p = parse_graph_line("  sync-1 [000] 10.5: print: tracing_mark_write: hello world");
  EXPECT_EQ(p.kind, LineKind::kComment);
  EXPECT_EQ(p.comment, "hello world");
  auto other = parse_graph_line("  sync-1 [000] 10.5: sched_switch: prev_comm=sync prev_pid=1");
  EXPECT_EQ(other.kind, LineKind::kIgnored);
}

TEST(FtraceGraphLine, InterruptsSwitchesLostEventsComments) {
  EXPECT_EQ(parse_graph_line(" 1)   ==========> |").kind, LineKind::kIrqEnter);
  EXPECT_EQ(parse_graph_line(" 1000.1 |   1)   sync-2201    |   <========== |").kind,
            LineKind::kIrqExit);
  auto s = parse_graph_line(" 1)   sync-2201    =>   kworker-77  ");
  EXPECT_EQ(s.kind, LineKind::kTaskSwitch);
  EXPECT_EQ(s.cpu, 1);
  EXPECT_EQ(s.pid, 2201);
  EXPECT_EQ(s.next_comm, "kworker");
  EXPECT_EQ(s.next_pid, 77);
  auto lost = parse_graph_line("CPU:3 [LOST 1234 EVENTS]");
  EXPECT_EQ(lost.kind, LineKind::kLostEvents);
  EXPECT_EQ(lost.cpu, 3);
  EXPECT_EQ(lost.lost_count, 1234u);
  auto dropped = parse_graph_line("CPU:7 [204600 EVENTS DROPPED]");
  EXPECT_EQ(dropped.lost_count, 204600u);
  EXPECT_EQ(parse_graph_line("CPU:7 [EVENTS DROPPED]").kind, LineKind::kLostEvents);
  auto c = parse_graph_line(" 0)               |      /* a | b */");
  EXPECT_EQ(c.kind, LineKind::kComment);
  EXPECT_EQ(c.comment, "a | b");
  EXPECT_EQ(parse_graph_line(" ------------------------------------------").kind,
            LineKind::kIgnored);
  auto t = parse_graph_line("# tracer: function");
  EXPECT_EQ(t.kind, LineKind::kTracerName);
  EXPECT_EQ(t.func, "function");
}

TEST(FtraceGraphLine, RetvalArgsAndCompilerSuffixes) {
  auto x = parse_graph_line(" 0)   1.0 us  |  } /* ksys_sync = 0x0 */");
  EXPECT_EQ(x.kind, LineKind::kExit);
  EXPECT_EQ(x.func, "ksys_sync");
  auto l = parse_graph_line(" 0)   1.0 us  |    rcu_qs(); /* = 0x0 */");
  EXPECT_EQ(l.kind, LineKind::kLeaf);
  EXPECT_EQ(l.func, "rcu_qs");
  auto a = parse_graph_line(" 0)           |  do_sys_open(dfd=-100, filename=0x7ff, flags=0) {");
  EXPECT_EQ(a.kind, LineKind::kEntry);
  EXPECT_EQ(a.func, "do_sys_open");
  auto s = parse_graph_line(" 0)   1.0 us  |  find_get_entry.isra.0();");
  EXPECT_EQ(s.func, "find_get_entry.isra.0");
}

TEST(FtraceGraphLine, NoColumnsAtAll) {
  auto g = parse_graph_line("    schedule() {");
  EXPECT_EQ(g.kind, LineKind::kEntry);
  EXPECT_EQ(g.depth, 2);
  EXPECT_EQ(parse_graph_line("  }").depth, 1);
}

TEST(FtraceGraphLine, CrlfAndGarbage) {
  auto g = parse_graph_line(" 0)   0.364 us    |      _raw_spin_lock();\r");
  EXPECT_EQ(g.kind, LineKind::kLeaf);
  EXPECT_EQ(g.func, "_raw_spin_lock");
  EXPECT_EQ(parse_graph_line("hello world").kind, LineKind::kUnknown);
  EXPECT_EQ(parse_graph_line(std::string("\x00\x01\xff(", 4)).kind, LineKind::kUnknown);
  EXPECT_EQ(parse_graph_line("").kind, LineKind::kIgnored);
  EXPECT_EQ(parse_graph_line(std::string(kMaxFunctionName + 10, 'a') + "();").kind,
            LineKind::kUnknown);
  EXPECT_EQ(parse_graph_line(std::string(2 * kMaxDepth + 100, ' ') + "f();").kind,
            LineKind::kUnknown);
  EXPECT_EQ(parse_graph_line(" 0) | | | | |").kind, LineKind::kUnknown);
  EXPECT_EQ(parse_graph_line("99999999999999999999) x").kind, LineKind::kUnknown);
}

}  // namespace
}  // namespace hangscope::ftrace
