// Saved live scans (tests/data/snapshots/NAME.json, made with `--save` on real hangs) must replay
// to exactly the report the live run printed (NAME.txt), and to the chain the hang really had.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyze/analyze.h"
#include "model/snapshot_json.h"
#include "report/text_report.h"

namespace hangscope {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::Snapshot load(const std::string& name) {
  fs::path p = fs::path(HANGSCOPE_TESTDATA_DIR) / "snapshots" / (name + ".json");
  auto s = model::snapshot_from_text(slurp(p), p.string());
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? *s : model::Snapshot{};
}

analyze::Findings run(const model::Snapshot& s) {
  return analyze::analyze(
      s, {.min_stuck_seconds = s.query.min_stuck_seconds, .only_pid = s.query.pid});
}

TEST(Replay, EverySavedScanReplaysToTheLiveReport) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(HANGSCOPE_TESTDATA_DIR) / "snapshots")) {
    if (e.path().extension() != ".json") continue;
    fs::path txt = e.path();
    txt.replace_extension(".txt");
    if (!fs::exists(txt)) continue;
    model::Snapshot s = load(e.path().stem().string());
    EXPECT_EQ(report::render_text(run(s)), slurp(txt)) << e.path();
    ++n;
  }
  EXPECT_GE(n, 2);
}

TEST(Replay, SnapshotJsonRoundTripIsLossless) {
  for (const char* name : {"seed-fuseblk", "frozen-ext4"}) {
    model::Snapshot s = load(name);
    auto back = model::snapshot_from_json(model::snapshot_to_json(s));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, s) << name;
  }
}

const model::Task* find_comm(const model::Snapshot& s, const std::string& comm,
                             model::TaskState st) {
  for (const auto& t : s.tasks) {
    if (t.comm == comm && t.state == st) return &t;
  }
  return nullptr;
}

TEST(Replay, SeedShapeChainReachesTheStoppedDaemon) {
  model::Snapshot s = load("seed-fuseblk");
  const model::Task* daemon = find_comm(s, "hangfs", model::TaskState::stopped);
  ASSERT_NE(daemon, nullptr);
  analyze::Findings f = run(s);
  ASSERT_EQ(f.chains.size(), 1u);
  const auto& c = f.chains[0];
  EXPECT_EQ(c.stuck.comm, "sync");
  ASSERT_EQ(c.hops.size(), 2u);
  EXPECT_EQ(c.hops[0].wait.lock_name, "s_umount");
  EXPECT_EQ(c.hops[0].wait.mode, model::LockMode::read);
  EXPECT_EQ(c.hops[0].object.type, model::ObjectType::super_block);
  EXPECT_EQ(c.hops[0].holder_mode, model::LockMode::write);
  EXPECT_EQ(c.hops[1].wait.kind, model::LockKind::fuse_request);
  EXPECT_EQ(c.hops[1].wait.fuse_opcode, "DESTROY");
  ASSERT_EQ(c.hops[1].holders.size(), 1u);
  EXPECT_EQ(c.hops[1].holders[0].pid, daemon->pid);
  EXPECT_EQ(c.root.kind, analyze::RootKind::stopped_task);
  EXPECT_EQ(*c.root.pid, daemon->pid);
}

TEST(Replay, FrozenExt4SaysThaw) {
  model::Snapshot s = load("frozen-ext4");
  analyze::Findings f = run(s);
  ASSERT_EQ(f.chains.size(), 1u);
  EXPECT_EQ(f.chains[0].root.kind, analyze::RootKind::frozen_fs);
  EXPECT_EQ(f.chains[0].root.remedy.rfind("fsfreeze -u ", 0), 0u);
  EXPECT_TRUE(f.chains[0].hops[0].holders.empty());
}

TEST(Replay, BadSnapshotsGiveOneLineErrors) {
  auto r = model::snapshot_from_text("{\"schema\": \"nope\"}", "x.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  EXPECT_NE(r.error().message.find("x.json"), std::string::npos);
  EXPECT_FALSE(model::snapshot_from_text("\x01\x02garbage", "g.json").ok());
  EXPECT_FALSE(model::snapshot_from_text("", "empty.json").ok());
  auto trunc = slurp(fs::path(HANGSCOPE_TESTDATA_DIR) / "snapshots" / "seed-fuseblk.json");
  EXPECT_FALSE(model::snapshot_from_text(trunc.substr(0, trunc.size() / 2), "t.json").ok());
}

}  // namespace
}  // namespace hangscope
