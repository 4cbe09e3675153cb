// watch --record and --exec against real hangs: a fixture that hangs again and again fills the
// flight recorder up to its burst, the count cap rotates the oldest records out, the rate limit
// skips the rest, every record kept replays byte for byte what watch printed, and the hook sees
// each incident. A recorder directory on the frozen filesystem itself never stalls watch.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "demo/child_process.h"
#include "demo/frozen_ext4.h"
#include "demo/fuse_write_chain.h"
#include "live/live_support.h"
#include "live/watch_child.h"
#include "support/scratch_dir.h"
#include "support/skip.h"

namespace hangscope::live {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<nlohmann::json> events_named(WatchChild& watch, const char* name) {
  std::vector<nlohmann::json> out;
  std::istringstream in(watch.all_output());
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && is_event(j, name)) out.push_back(j);
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(RecorderLive, RepeatedHangsStayWithinCapsAndReplayByteForByte) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  testsupport::ScratchDir scratch("live-record");
  ASSERT_FALSE(scratch.path().empty());
  std::string records = scratch.path() + "/records", hook_out = scratch.path() + "/hook";
  fs::create_directory(hook_out);
  // Burst 4, then nothing for the rest of the test (the interval is 10 minutes); at most 2 kept.
  WatchChild watch({"--json", "--threshold", "1", "--record", records, "--record-burst", "4",
                    "--record-interval", "10m", "--record-max-interval", "20m",
                    "--record-max-records", "2", "--record-max-size", "64M", "--exec",
                    "cat > " + hook_out + "/run-$$.jsonl", "--exec-timeout", "5s"});
  ASSERT_NO_FATAL_FAILURE(expect_started(watch));

  constexpr int kHangs = 5;
  for (int i = 0; i < kHangs; ++i) {
    SCOPED_TRACE("hang " + std::to_string(i + 1));
    auto hang = demo::FuseWriteChain::start({hangfs_binary(), false, demo::Millis(10000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    pid_t writer2 = (*hang)->writer2_pid();
    for (pid_t p : {(*hang)->daemon_pid(), (*hang)->writer1_pid(), writer2, (*hang)->trunc3_pid()})
      remember_pid(p);
    auto stuck = watch.wait_for(
        [&](auto& j) { return is_event(j, "stuck") && j.value("pid", 0) == writer2; },
        Clock::now() + std::chrono::seconds(1 + 4));
    auto s = (*hang)->cleanup();
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE(stuck) << "no stuck report: " << watch.all_output();
    ASSERT_TRUE(watch.wait_for(
        [&](auto& j) { return is_event(j, "released") && j.value("pid", 0) == writer2; },
        Clock::now() + std::chrono::seconds(4)))
        << watch.all_output();
  }
  usleep(1500000);  // the last incident's record and hook run finish within the next sweep
  kill(watch.pid(), SIGTERM);
  auto summary = watch.wait_for([](auto& j) { return is_event(j, "summary"); },
                                Clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(summary) << watch.all_output();
  EXPECT_EQ(watch.wait_exit(5000), 0);
  std::string printed = watch.all_output();
  SCOPED_TRACE("summary: " + summary->dump());

  // The counters: the burst written, the count cap rotating two out, the rest skipped.
  const auto& rec = (*summary)["record"];
  EXPECT_EQ(rec.value("written", 0), 4);
  EXPECT_EQ(rec.value("rotated", 0), 2);
  EXPECT_GE(rec.value("suppressed", 0), kHangs - 4);
  EXPECT_EQ(rec.value("dropped", -1), 0);
  EXPECT_EQ(rec.value("failed", -1), 0);
  auto recorded = events_named(watch, "recorded");
  ASSERT_EQ(recorded.size(), 4u) << printed;
  std::vector<std::string> kept;
  for (const auto& e : fs::directory_iterator(records)) kept.push_back(e.path().string());
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<std::string>{recorded[2].value("path", ""),
                                            recorded[3].value("path", "")}));
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(records))
    if (e.is_regular_file()) bytes += e.file_size();
  EXPECT_LE(bytes, 64u << 20);
  std::printf(
      "recorder: %d hangs, %d written, %d rotated, %d skipped by the rate limit, "
      "%zu records kept (%ju bytes)\n",
      kHangs, rec.value("written", 0), rec.value("rotated", 0), rec.value("suppressed", 0),
      kept.size(), bytes);

  // Each record kept: its reports are what watch printed, and its replay file prints them again.
  for (const std::string& dir : kept) {
    SCOPED_TRACE(dir);
    std::string json = read_file(dir + "/report.json"), text = read_file(dir + "/report.txt");
    ASSERT_FALSE(json.empty());
    ASSERT_NE(text.find(" STUCK pid "), std::string::npos) << text;
    for (const std::string& line : lines_of(json))
      EXPECT_NE(printed.find(line + "\n"), std::string::npos) << "not printed by watch: " << line;
    RunResult as_json = run_hangscope({"analyze", "--json", dir + "/episode.json"});
    EXPECT_EQ(as_json.exit_code, 1) << as_json.err;
    EXPECT_EQ(as_json.out, json);
    RunResult as_text = run_hangscope({"analyze", dir + "/episode.json"});
    EXPECT_EQ(as_text.exit_code, 1) << as_text.err;
    EXPECT_EQ(as_text.out, text);
  }

  // The hook ran once per incident (recorded or skipped), got that incident's stuck lines, and
  // each run is reported.
  std::vector<std::string> runs;
  for (const auto& e : fs::directory_iterator(hook_out)) runs.push_back(read_file(e.path()));
  auto execs = events_named(watch, "exec");
  EXPECT_EQ(runs.size(), execs.size());
  EXPECT_EQ(static_cast<int>(runs.size()), rec.value("written", 0) + rec.value("suppressed", 0));
  for (const auto& e : execs) {
    EXPECT_EQ(e.value("exit_status", -1), 0) << e.dump();
    EXPECT_FALSE(e.value("timed_out", true));
  }
  for (const std::string& run : runs) {
    ASSERT_FALSE(run.empty());
    for (const std::string& line : lines_of(run)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      EXPECT_TRUE(is_event(j, "stuck")) << line;
      EXPECT_NE(printed.find(line + "\n"), std::string::npos) << "not printed by watch: " << line;
    }
  }
}

// The recorder's directory is on the frozen filesystem: creating it blocks, so the recorder says
// it is pending, its one-slot queue fills, and later incidents are dropped and reported. The
// watchdog meanwhile reports each new stuck task on time and stops within its bound.
TEST(RecorderLive, DirectoryOnTheFrozenFilesystemNeverStallsWatch) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  auto hang = demo::FrozenExt4::start({true, demo::Millis(20000), {}});
  ASSERT_TRUE(hang.ok()) << hang.error().message;
  for (pid_t p : {(*hang)->writer_pid(), (*hang)->mkdir_pid()}) remember_pid(p);
  std::string mnt = (*hang)->mount_point();
  std::vector<demo::ChildProcess> touchers;
  int root_fd = open(mnt.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);  // to thaw it ourselves
  ASSERT_GE(root_fd, 0);
  auto thaw_and_reap = [&] {
    ioctl(root_fd, FITHAW, 0);
    for (auto& t : touchers)
      if (t.running()) (void)t.wait(demo::Millis(5000));
  };
  // Whatever fails below, the touchers are not left in D: thaw before they are destroyed.
  struct ThawAtExit {
    std::function<void()> fn;
    ~ThawAtExit() { fn(); }
  } thaw_at_exit{thaw_and_reap};

  {
    WatchChild watch(
        {"--json", "--threshold", "1", "--record", mnt + "/records", "--record-queue", "1"});
    auto started = watch.wait_for([](auto& j) { return is_event(j, "started"); },
                                  Clock::now() + std::chrono::seconds(10));
    ASSERT_TRUE(started) << watch.all_output();
    EXPECT_TRUE(watch.wait_for([](auto& j) { return is_event(j, "record_pending"); },
                               Clock::now() + std::chrono::seconds(5)))
        << watch.all_output();
    // New writers on the frozen filesystem, one every 1.5 s: each a new incident.
    for (int i = 0; i < 3; ++i) {
      auto t = demo::ChildProcess::spawn({"touch", mnt + "/f" + std::to_string(i)});
      ASSERT_TRUE(t.ok()) << t.error().message;
      remember_pid(t->pid());
      pid_t pid = t->pid();
      touchers.push_back(std::move(*t));
      auto t0 = Clock::now();
      auto stuck =
          watch.wait_for([&](auto& j) { return is_event(j, "stuck") && j.value("pid", 0) == pid; },
                         t0 + std::chrono::seconds(1 + 4));
      EXPECT_TRUE(stuck) << "touch " << i << " not reported on time: " << watch.all_output();
      usleep(500000);
    }
    auto dropped = watch.wait_for([](auto& j) { return is_event(j, "record_dropped"); },
                                  Clock::now() + std::chrono::seconds(3));
    EXPECT_TRUE(dropped) << watch.all_output();
    auto t_term = Clock::now();
    kill(watch.pid(), SIGTERM);
    auto summary = watch.wait_for([](auto& j) { return is_event(j, "summary"); },
                                  t_term + std::chrono::seconds(9));
    EXPECT_TRUE(summary) << "no summary within 9 s of SIGTERM: " << watch.all_output();
    std::printf("frozen recorder dir: summary %.1f s after SIGTERM, %d incident(s) dropped\n",
                std::chrono::duration<double>(Clock::now() - t_term).count(),
                summary ? (*summary)["record"].value("dropped", 0) : -1);
    if (summary) {
      EXPECT_GE((*summary)["record"].value("dropped", 0), 1);
      EXPECT_EQ((*summary)["record"].value("written", -1), 0);
    }
    // Its recorder thread is still in mkdir on the frozen filesystem: the process ends once
    // that returns.
    thaw_and_reap();
    EXPECT_EQ(watch.wait_exit(5000), 0);
  }
  close(std::exchange(root_fd, -1));
  for (auto& t : touchers) EXPECT_FALSE(t.running()) << "touch " << t.pid() << " still running";
  auto s = (*hang)->cleanup();
  EXPECT_TRUE(s.ok()) << s.error().message;
}

}  // namespace
}  // namespace hangscope::live
