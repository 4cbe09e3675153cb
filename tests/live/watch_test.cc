// hangscope watch against real hangs: a JSON "stuck" report within 4 s of the threshold naming
// the owner and the object, a "released" line once the fixture's cleanup ends the hang, and
// nothing left attached after SIGTERM or SIGKILL.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "demo/frozen_ext4.h"
#include "demo/fuse_write_chain.h"
#include "demo/seed_hang.h"
#include "live/live_support.h"
#include "live/watch_child.h"
#include "support/skip.h"

namespace hangscope::live {
namespace {

/// BPF link ids held by `pid`'s file descriptors (/proc/PID/fdinfo "link_id:" lines).
std::set<int> link_ids_of(pid_t pid) {
  std::set<int> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/fdinfo";
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::ifstream in(dir + "/" + e->d_name);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("link_id:", 0) == 0) out.insert(std::atoi(line.c_str() + 8));
  }
  closedir(d);
  return out;
}

/// Ids of every BPF link on the machine (bpftool -j link show).
std::set<int> attached_link_ids() {
  std::set<int> out;
  FILE* f = popen("bpftool -j link show 2>/dev/null", "r");
  if (!f) return out;
  std::string text;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, f)) text.append(buf, n);
  pclose(f);
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array())
    for (const auto& l : j) out.insert(l.value("id", -1));
  return out;
}

TEST(WatchLive, ReportsFuseWriteChainStuckThenReleased) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  WatchChild watch({"--json", "--threshold", "2", "--duration", "15"});
  ASSERT_NO_FATAL_FAILURE(expect_started(watch));

  auto hang = demo::FuseWriteChain::start({hangfs_binary(), false, demo::Millis(10000), {}});
  ASSERT_TRUE(hang.ok()) << hang.error().message;
  auto t0 = Clock::now();  // the waits began before this
  pid_t writer1 = (*hang)->writer1_pid(), writer2 = (*hang)->writer2_pid();
  for (pid_t p : {(*hang)->daemon_pid(), writer1, writer2, (*hang)->trunc3_pid()}) remember_pid(p);

  Clock::time_point when;
  auto stuck =
      watch.wait_for([&](auto& j) { return is_event(j, "stuck") && j.value("pid", 0) == writer2; },
                     t0 + std::chrono::seconds(2 + 4), &when);
  ASSERT_TRUE(stuck) << "no stuck report for writer2 within threshold + 4 s: "
                     << watch.all_output();
  SCOPED_TRACE("stuck: " + stuck->dump(2));
  EXPECT_EQ(stuck->value("found_by", ""), "lock_trace");
  EXPECT_GE(stuck->value("waited_seconds", 0.0), 2.0);
  const auto& lock = (*stuck)["lock"];
  EXPECT_EQ(lock.value("kind", ""), "rwsem");
  EXPECT_EQ(lock.value("mode", ""), "write");
  ASSERT_TRUE(lock["owner"].is_object());
  EXPECT_EQ(lock["owner"].value("pid", 0), writer1);
  // The same chain as `hangscope why`: the file's i_rwsem, held by writer1.
  EXPECT_EQ(stuck->value("schema", ""), "hangscope/1");
  const auto* chain = chain_for(*stuck, writer2);
  ASSERT_NE(chain, nullptr);
  const auto& h0 = (*chain)["hops"][0];
  EXPECT_EQ(h0["object"].value("type", ""), "inode");
  EXPECT_EQ(object_field(h0, "ino"), std::to_string((*hang)->file_ino()));
  EXPECT_EQ(object_field(h0, "name"), (*hang)->file_name());
  EXPECT_EQ(holder_pids(h0), std::vector<pid_t>{writer1});
  EXPECT_EQ(h0["wait"].value("lock_addr", ""), lock.value("addr", "?"));

  auto t_clean = Clock::now();
  auto s = (*hang)->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto released = watch.wait_for(
      [&](auto& j) { return is_event(j, "released") && j.value("pid", 0) == writer2; },
      Clock::now() + std::chrono::seconds(4));
  ASSERT_TRUE(released) << "no released line: " << watch.all_output();
  EXPECT_EQ((*released)["released_by"].value("pid", 0), writer1);
  double lasted = released->value("lasted_seconds", 0.0);
  double upper = std::chrono::duration<double>(Clock::now() - t0).count() + 15;
  EXPECT_GE(lasted, std::chrono::duration<double>(t_clean - t0).count());
  EXPECT_LT(lasted, upper);

  auto summary = watch.wait_for([](auto& j) { return is_event(j, "summary"); },
                                Clock::now() + std::chrono::seconds(16));
  ASSERT_TRUE(summary) << watch.all_output();
  EXPECT_EQ(summary->value("lost_events", 1u), 0u);
  EXPECT_EQ(watch.wait_exit(5000), 0);
}

// A wait just over the threshold that ends before the sweep after it is not lost: it comes as
// a "brief_wait" line (or, when a sweep happened to see it open, as stuck + released).
TEST(WatchLive, WaitOverThresholdBetweenSweepsIsNotLost) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  WatchChild watch({"--json", "--threshold", "1", "--duration", "8"});
  ASSERT_NO_FATAL_FAILURE(expect_started(watch));

  auto hang = demo::FuseWriteChain::start({hangfs_binary(), false, demo::Millis(10000), {}});
  ASSERT_TRUE(hang.ok()) << hang.error().message;
  pid_t writer1 = (*hang)->writer1_pid(), writer2 = (*hang)->writer2_pid();
  for (pid_t p : {(*hang)->daemon_pid(), writer1, writer2, (*hang)->trunc3_pid()}) remember_pid(p);
  usleep(1300000);  // writer2 has waited on writer1's i_rwsem a little over the threshold
  auto s = (*hang)->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;

  auto seen = watch.wait_for(
      [&](auto& j) {
        return (is_event(j, "brief_wait") || is_event(j, "released")) &&
               j.value("pid", 0) == writer2;
      },
      Clock::now() + std::chrono::seconds(4));
  ASSERT_TRUE(seen) << "writer2's wait over the threshold was not reported: " << watch.all_output();
  SCOPED_TRACE("event: " + seen->dump(2));
  EXPECT_GE(seen->value("lasted_seconds", 0.0), 1.0);
  const auto& lock = (*seen)["lock"];
  EXPECT_EQ(lock.value("kind", ""), "rwsem");
  EXPECT_EQ(lock.value("mode", ""), "write");
  ASSERT_TRUE(lock["owner"].is_object());
  EXPECT_EQ(lock["owner"].value("pid", 0), writer1);
  if (is_event(*seen, "released")) {
    EXPECT_TRUE(watch.wait_for(
        [&](auto& j) { return is_event(j, "stuck") && j.value("pid", 0) == writer2; },
        Clock::now()))
        << "released without stuck: " << watch.all_output();
  }
  EXPECT_EQ(watch.wait_exit(12000), 0);
}

TEST(WatchLive, HangsAlreadyThereAtStartupAreReportedAndTheirEndSeen) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  auto hang = demo::FuseWriteChain::start({hangfs_binary(), false, demo::Millis(10000), {}});
  ASSERT_TRUE(hang.ok()) << hang.error().message;
  pid_t writer1 = (*hang)->writer1_pid(), writer2 = (*hang)->writer2_pid();
  for (pid_t p : {(*hang)->daemon_pid(), writer1, writer2, (*hang)->trunc3_pid()}) remember_pid(p);
  usleep(2500000);  // stuck for longer than the threshold before watch starts

  WatchChild watch({"--json", "--threshold", "2", "--duration", "12"});
  auto stuck =
      watch.wait_for([&](auto& j) { return is_event(j, "stuck") && j.value("pid", 0) == writer2; },
                     Clock::now() + std::chrono::seconds(8));
  ASSERT_TRUE(stuck) << watch.all_output();
  SCOPED_TRACE("stuck: " + stuck->dump(2));
  EXPECT_EQ(stuck->value("found_by", ""), "snapshot");
  EXPECT_GE(stuck->value("waited_seconds", 0.0), 2.0);
  EXPECT_EQ((*stuck)["lock"]["owner"].value("pid", 0), writer1);
  const auto* chain = chain_for(*stuck, writer2);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(holder_pids((*chain)["hops"][0]), std::vector<pid_t>{writer1});

  auto s = (*hang)->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto released = watch.wait_for(
      [&](auto& j) { return is_event(j, "released") && j.value("pid", 0) == writer2; },
      Clock::now() + std::chrono::seconds(4));
  ASSERT_TRUE(released) << watch.all_output();
  EXPECT_EQ((*released)["released_by"].value("pid", 0), writer1);
  EXPECT_GE(released->value("lasted_seconds", 0.0), 2.5);
  kill(watch.pid(), SIGTERM);
  EXPECT_EQ(watch.wait_exit(5000), 0);
}

// The seed case: sync waits on s_umount (a lock: traced), umount waits for a FUSE reply (no
// lock: found by the periodic D-state rescan, every max(threshold, 5 s)).
TEST(WatchLive, SeedCaseSyncByLockTraceUmountByRescan) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  WatchChild watch({"--json", "--threshold", "2", "--duration", "20"});
  ASSERT_TRUE(watch.wait_for([](auto& j) { return is_event(j, "started"); },
                             Clock::now() + std::chrono::seconds(10)));
  auto hang = demo::SeedHang::start({hangfs_binary(), true, demo::Millis(10000), {}});
  ASSERT_TRUE(hang.ok()) << hang.error().message;
  auto t0 = Clock::now();
  pid_t umount = (*hang)->umount_pid(), sync = (*hang)->sync_pid();
  for (pid_t p : {(*hang)->daemon_pid(), umount, sync}) remember_pid(p);

  auto by_pid = [](const char* ev, pid_t pid) {
    return [=](const nlohmann::json& j) { return is_event(j, ev) && j.value("pid", 0) == pid; };
  };
  auto s_sync = watch.wait_for(by_pid("stuck", sync), t0 + std::chrono::seconds(2 + 4));
  ASSERT_TRUE(s_sync) << watch.all_output();
  EXPECT_EQ(s_sync->value("found_by", ""), "lock_trace");
  EXPECT_EQ((*s_sync)["lock"].value("mode", ""), "read");
  EXPECT_EQ((*s_sync)["lock"]["owner"].value("pid", 0), umount);
  const auto* chain = chain_for(*s_sync, sync);
  ASSERT_NE(chain, nullptr) << s_sync->dump(2);
  EXPECT_EQ(object_field((*chain)["hops"][0], "s_id"), (*hang)->loop_name());
  auto s_umount = watch.wait_for(by_pid("stuck", umount), t0 + std::chrono::seconds(2 + 5 + 3));
  ASSERT_TRUE(s_umount) << watch.all_output();
  EXPECT_EQ(s_umount->value("found_by", ""), "snapshot");
  EXPECT_EQ((*s_umount)["lock"].value("kind", ""), "fuse_request");

  auto s = (*hang)->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto r_sync = watch.wait_for(by_pid("released", sync), Clock::now() + std::chrono::seconds(4));
  ASSERT_TRUE(r_sync) << watch.all_output();
  EXPECT_EQ((*r_sync)["released_by"].value("pid", 0), umount);
  EXPECT_TRUE(watch.wait_for(by_pid("released", umount), Clock::now() + std::chrono::seconds(4)))
      << watch.all_output();
  kill(watch.pid(), SIGTERM);
  EXPECT_EQ(watch.wait_exit(5000), 0);
}

TEST(WatchLive, TopNamesTheFrozenSuperBlocksSWriters) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  WatchChild watch({"--top", "--json", "--duration", "30"});
  ASSERT_TRUE(watch.wait_for([](auto& j) { return is_event(j, "started"); },
                             Clock::now() + std::chrono::seconds(10)));
  auto hang = demo::FrozenExt4::start({true, demo::Millis(20000), {}});
  ASSERT_TRUE(hang.ok()) << hang.error().message;
  for (pid_t p : {(*hang)->writer_pid(), (*hang)->mkdir_pid()}) remember_pid(p);
  std::string want =
      "super_block " + (*hang)->loop_name() + " (ext4) on " + (*hang)->mount_point() + " s_writers";
  auto row_of = [&](const nlohmann::json& j) -> const nlohmann::json* {
    if (!is_event(j, "top")) return nullptr;
    for (const auto& l : j["locks"])
      if (l.value("object", "") == want && l.value("in_progress", 0) >= 1) return &l;
    return nullptr;
  };
  // The object names come from a snapshot refreshed every 10 s: allow one refresh.
  auto top = watch.wait_for([&](auto& j) { return row_of(j) != nullptr; },
                            Clock::now() + std::chrono::seconds(13));
  auto s = (*hang)->cleanup();
  EXPECT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(top) << "no row for " << want << ": " << watch.all_output().substr(0, 4000);
  EXPECT_EQ(row_of(*top)->value("kind", ""), "percpu_rwsem");
  kill(watch.pid(), SIGTERM);
  EXPECT_EQ(watch.wait_exit(5000), 0);
}

TEST(WatchLive, SigtermExitsZeroAndSigkillLeavesNothingAttached) {
  if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
  for (int sig : {SIGTERM, SIGKILL}) {
    SCOPED_TRACE(sig == SIGTERM ? "SIGTERM" : "SIGKILL");
    std::set<int> ours;
    {
      WatchChild watch({"--json", "--threshold", "1"});
      ASSERT_TRUE(watch.wait_for([](auto& j) { return is_event(j, "started"); },
                                 Clock::now() + std::chrono::seconds(10)));
      ours = link_ids_of(watch.pid());
      EXPECT_EQ(ours.size(), 2u) << "contention_begin + contention_end links";
      for (int id : ours) EXPECT_TRUE(attached_link_ids().count(id)) << id;
      kill(watch.pid(), sig);
      EXPECT_EQ(watch.wait_exit(5000), sig == SIGTERM ? 0 : -1);
      if (sig == SIGTERM)
        EXPECT_TRUE(watch.wait_for([](auto& j) { return is_event(j, "summary"); },
                                   Clock::now() + std::chrono::seconds(1)));
    }
    // The links are owned by the dead process's file descriptors: freed with them (bounded wait,
    // the release is asynchronous). Other watches on this machine keep their own links.
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
      auto now = attached_link_ids();
      gone = std::none_of(ours.begin(), ours.end(), [&](int id) { return now.count(id); });
      if (!gone) usleep(100000);
    }
    EXPECT_TRUE(gone);
  }
}

}  // namespace
}  // namespace hangscope::live
