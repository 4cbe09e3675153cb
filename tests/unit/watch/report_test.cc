// Watch outputs: prometheus textfile, JSON lines, text lines, --top naming.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "watch/event_report.h"
#include "watch/line_sink.h"
#include "watch/metrics.h"
#include "watch/top.h"

namespace hangscope::watch {
namespace {

Episode episode() {
  Episode e;
  e.pid = 1234;
  e.comm = "evil\x1b[2Jcomm";
  e.lock = 0xffff888003a1c070;
  e.flags = 1u << 1;  // read
  e.kind = "rwsem";
  e.owner = {99, "umount"};
  return e;
}

std::vector<std::string> metric_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty() && l[0] != '#') out.push_back(l);
  return out;
}

TEST(Prometheus, EveryKindAndCounters) {
  WatchMetrics m;
  m.stuck_by_kind = {{"rwsem", 2}, {"mutex", 1}};
  m.longest_wait_seconds = 12.5;
  m.counters.events = 1000;
  m.counters.lost_waits = 3;
  m.counters.lost_stats = 4;
  std::string text = prometheus_text(m);
  auto lines = metric_lines(text);
  auto has = [&](const std::string& l) {
    return std::find(lines.begin(), lines.end(), l) != lines.end();
  };
  EXPECT_TRUE(has("hangscope_watch_stuck_tasks{kind=\"rwsem\"} 2"));
  EXPECT_TRUE(has("hangscope_watch_stuck_tasks{kind=\"mutex\"} 1"));
  EXPECT_TRUE(has("hangscope_watch_stuck_tasks{kind=\"percpu_rwsem\"} 0"));
  EXPECT_TRUE(has("hangscope_watch_longest_wait_seconds 12.500"));
  EXPECT_TRUE(has("hangscope_watch_contention_events_total 1000"));
  EXPECT_TRUE(has("hangscope_watch_lost_events_total 7"));
  // Every sample line is "name{labels} value" or "name value", each metric has TYPE.
  for (const auto& l : lines) EXPECT_EQ(std::count(l.begin(), l.end(), ' '), 1) << l;
  for (const char* name :
       {"stuck_tasks", "longest_wait_seconds", "contention_events_total", "lost_events_total"})
    EXPECT_NE(text.find(std::string("# TYPE hangscope_watch_") + name), std::string::npos) << name;
  EXPECT_EQ(text.back(), '\n');
}

TEST(Prometheus, LabelValuesEscaped) {
  WatchMetrics m;
  m.stuck_by_kind = {{"a\"b\\c\nd", 1}};
  EXPECT_NE(prometheus_text(m).find("kind=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos);
}

TEST(Prometheus, AtomicWriteReplacesAndLeavesNoTemp) {
  char dir[] = "/tmp/hsw_promXXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/watch.prom";
  ASSERT_TRUE(write_file_atomic(path, "a 1\n").ok());
  ASSERT_TRUE(write_file_atomic(path, "b 2\n").ok());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "b 2\n");
  EXPECT_NE(access((path + ".tmp." + std::to_string(getpid())).c_str(), F_OK), 0);
  auto bad = write_file_atomic(std::string(dir) + "/no/such/dir/x.prom", "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("no/such/dir"), std::string::npos);
  unlink(path.c_str());
  rmdir(dir);
}

TEST(JsonLines, StuckWithoutSnapshotAndReleased) {
  StuckEvent s{episode(), 12.25};
  auto j = stuck_json(s, nullptr, nullptr, "2026-11-25T16:00:00Z", "not root");
  std::string line = json_line(j);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = nlohmann::json::parse(line);
  EXPECT_EQ(back["event"], "stuck");
  EXPECT_EQ(back["schema"], "hangscope/1");
  EXPECT_EQ(back["pid"], 1234);
  EXPECT_EQ(back["found_by"], "lock_trace");
  EXPECT_EQ(back["lock"]["addr"], "0xffff888003a1c070");
  EXPECT_EQ(back["lock"]["mode"], "read");
  EXPECT_EQ(back["lock"]["owner"]["pid"], 99);
  EXPECT_TRUE(back["chains"].empty());
  EXPECT_EQ(back["notes"][0], "no chain: not root");

  Episode e = episode();
  e.owner = {};
  auto r = nlohmann::json::parse(json_line(released_json({e, 3.5, true}, "t")));
  EXPECT_EQ(r["event"], "released");
  EXPECT_EQ(r["lasted_seconds"], 3.5);
  EXPECT_EQ(r["released_by"], "unknown");
}

TEST(JsonLines, StuckCarriesTheScanReport) {
  model::Snapshot snap;
  snap.source = "bpf";
  analyze::Findings f;
  analyze::Chain c;
  c.stuck.pid = 1234;
  f.chains.push_back(c);
  auto j = stuck_json({episode(), 2}, &f, &snap, "t");
  EXPECT_EQ(j["source"], "bpf");
  ASSERT_EQ(j["chains"].size(), 1u);
  EXPECT_EQ(j["chains"][0]["stuck"]["pid"], 1234);
}

TEST(JsonLines, InvalidUtf8Replaced) {
  Episode e = episode();
  e.comm = "bad\xff\xfe";
  std::string line = json_line(released_json({e, 1, false}, "t"));
  EXPECT_NO_THROW((void)nlohmann::json::parse(line));
}

TEST(TextLines, ControlBytesEscaped) {
  std::string s = stuck_text({episode(), 12}, nullptr, "t", "why");
  std::string r = released_text({episode(), 3, false}, "t");
  std::string b = brief_text({episode(), 2.5, true}, "t");
  for (const auto& out : {s, r, b}) {
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_NE(out.find("pid 99 (umount)"), std::string::npos) << out;
  }
  EXPECT_NE(r.find("after ~3.0 s"), std::string::npos) << r;
  EXPECT_NE(b.find("BRIEF pid 1234"), std::string::npos) << b;
  EXPECT_NE(b.find("waited 2.5 s on rwsem (read) 0xffff888003a1c070"), std::string::npos) << b;
}

TEST(JsonLines, BriefWaitNamesLockAndOwner) {
  auto j = nlohmann::json::parse(json_line(brief_json({episode(), 2.25, true}, "t")));
  EXPECT_EQ(j["event"], "brief_wait");
  EXPECT_EQ(j["pid"], 1234);
  EXPECT_EQ(j["lasted_seconds"], 2.25);
  EXPECT_EQ(j["lock"]["kind"], "rwsem");
  EXPECT_EQ(j["lock"]["owner"]["pid"], 99);
}

TEST(LineSink, AppendsToFile) {
  char path[] = "/tmp/hsw_sinkXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "old\n", 4), 4);
  close(fd);
  {
    auto sink = LineSink::open(path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE(sink->write("a\n").ok());
    ASSERT_TRUE(sink->write("b\n").ok());
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "old\na\nb\n");
  unlink(path);
  EXPECT_FALSE(LineSink::open("/nonexistent-dir/x").ok());
}

TEST(Top, NamesSuperBlockInodeAndMmLocks) {
  model::Snapshot snap;
  model::SuperBlock sb;
  sb.addr = 0xffff000000001000;
  sb.s_id = "loop3";
  sb.fs_type = "ext4";
  sb.mount_points = {"/mnt/x"};
  sb.s_umount_addr = 0xffff000000001100;
  sb.s_writers_addr = 0xffff000000001200;
  snap.super_blocks.push_back(sb);
  LockStat umount{.lock = 0xffff000000001100, .count = 5, .total_ns = 5000, .flags = 1u << 1};
  LockStat writers{.lock = 0xffff000000001200 + 2 * 0x60,
                   .count = 1,
                   .total_ns = 99000,
                   .flags = (1u << 4) | 2u};
  LockStat inode{.lock = 0xffff0000000a0100, .count = 1, .total_ns = 10, .flags = 1u << 2};
  inode.cand_inode = 0xffff0000000a0000;
  inode.cand_inode_sb = sb.addr;
  inode.cand_inode_ino = 12;
  inode.cand_name = "f";
  LockStat mm{.lock = 0xffff0000000b0100, .count = 100, .total_ns = 1, .flags = 1u << 2};
  mm.cand_mm = 0xffff0000000b0000;
  mm.cand_mm_tgid = 77;
  mm.cand_name = "storm";
  LockStat stray = inode;
  stray.lock = 0xffff0000000c0100;
  stray.cand_inode_sb = 0xdead;  // not a super_block: no name
  EXPECT_EQ(lock_object_name(umount, snap, 0x60), "super_block loop3 (ext4) on /mnt/x s_umount");
  EXPECT_EQ(lock_object_name(writers, snap, 0x60), "super_block loop3 (ext4) on /mnt/x s_writers");
  EXPECT_EQ(lock_object_name(inode, snap, 0x60),
            "inode 12 'f' of super_block loop3 (ext4) on /mnt/x i_rwsem");
  EXPECT_EQ(lock_object_name(mm, snap, 0x60), "mm of pid 77 (storm) mmap_lock");
  EXPECT_EQ(lock_object_name(stray, snap, 0x60), "");
  auto rows = top_rows({umount, writers, inode, mm, stray}, {}, 0, snap, 0x60, 2);
  ASSERT_EQ(rows.size(), 2u);  // most total wait first
  EXPECT_EQ(rows[0].stat.lock, writers.lock);
  EXPECT_EQ(rows[0].kind, "percpu_rwsem");
  EXPECT_EQ(rows[1].stat.lock, umount.lock);
  // A wait still in progress counts with its time so far, on a lock with no ended wait too.
  LockWait hung{.pid = 5,
                .lock = 0xffff000000001100,
                .flags = 1u << 1,
                .start_ns = 1000,
                .owner_pid = 6,
                .owner_comm = "umount"};
  auto live = top_rows({umount, writers}, {hung}, 1000 + 7000000000ull, snap, 0x60, 5);
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].stat.lock, umount.lock);
  EXPECT_EQ(live[0].in_progress, 1);
  EXPECT_EQ(live[0].stat.count, 6u);
  EXPECT_EQ(live[0].stat.max_ns, 7000000000ull);
  EXPECT_EQ(live[0].stat.owner_pid, 6);
  EXPECT_EQ(live[0].object, "super_block loop3 (ext4) on /mnt/x s_umount");
  auto j = top_json(rows, {}, 3, "t");
  EXPECT_EQ(j["locks"].size(), 2u);
  EXPECT_EQ(j["locks"][1]["avg_ns"], 1000);
  std::string text = top_text(rows, {}, 3);
  EXPECT_NE(text.find("s_writers"), std::string::npos);
  // Header and rows have the same columns: "object" starts where the row's object does.
  std::istringstream lines(top_text(live, {}, 3));
  std::string title, header, row;
  std::getline(lines, title);
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_EQ(header.find("object"), row.find("super_block")) << header << "\n" << row;
}

}  // namespace
}  // namespace hangscope::watch
