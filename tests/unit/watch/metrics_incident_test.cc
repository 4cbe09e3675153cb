// --prometheus with --record and --exec: their counters appear (only when in use), and the whole
// exposition passes `promtool check metrics`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "support/skip.h"
#include "watch/metrics.h"

namespace hangscope::watch {
namespace {

WatchMetrics with_incidents() {
  WatchMetrics m;
  m.stuck_by_kind = {{"rwsem", 2}};
  m.longest_wait_seconds = 12.5;
  m.incidents.record = RecorderCounters{4, 1, 7, 2, 3};
  m.incidents.exec = ExecCounters{5, 3, 1, 2};
  return m;
}

TEST(PrometheusIncidents, CountersOfRecorderAndHookOnlyWhenInUse) {
  std::string text = prometheus_text(with_incidents());
  for (const char* line :
       {"hangscope_watch_records_written_total 4\n", "hangscope_watch_records_failed_total 1\n",
        "hangscope_watch_records_suppressed_total 7\n", "hangscope_watch_records_dropped_total 2\n",
        "hangscope_watch_records_rotated_total 3\n",
        "hangscope_watch_exec_runs_total{result=\"ok\"} 2\n",
        "hangscope_watch_exec_runs_total{result=\"failed\"} 2\n",
        "hangscope_watch_exec_runs_total{result=\"timed_out\"} 1\n",
        "hangscope_watch_exec_dropped_total 2\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  std::string plain = prometheus_text(WatchMetrics{});
  EXPECT_EQ(plain.find("records_"), std::string::npos);
  EXPECT_EQ(plain.find("exec_"), std::string::npos);
}

TEST(PrometheusIncidents, ExpositionPassesPromtool) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    HS_SKIP("promtool not installed (Debian package prometheus; scripts/install-deps.sh)");
  std::string path = ::testing::TempDir() + "/hs-metrics-" + std::to_string(getpid()) + ".prom";
  std::ofstream(path) << prometheus_text(with_incidents());
  std::string cmd = "promtool check metrics < " + path + " 2>&1";
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  int status = pclose(f);
  std::remove(path.c_str());
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out, "") << "promtool's lint findings";
}

}  // namespace
}  // namespace hangscope::watch
