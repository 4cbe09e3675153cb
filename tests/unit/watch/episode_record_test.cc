// The replay file: what watch printed for an incident comes back byte for byte from the file
// alone (text and JSON lines), also without a snapshot; bad files give one-line errors.
#include "watch/episode_record.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "model/snapshot_json.h"

namespace hangscope::watch {
namespace {

model::Snapshot seed_snapshot() {
  std::ifstream in(std::string(HANGSCOPE_TESTDATA_DIR) + "/snapshots/seed-fuseblk.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = model::snapshot_from_text(ss.str(), "seed-fuseblk.json");
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? *s : model::Snapshot{};
}

// stdout of `hangscope analyze [--json] PATH`.
std::string run_analyze(const std::string& path, bool json) {
  std::string cmd = std::string(HANGSCOPE_BIN) + " analyze " + (json ? "--json " : "") + path;
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  pclose(f);
  return out;
}

EpisodeRecord::Entry entry_for(const model::Task& t, double waited, const std::string& time) {
  EpisodeRecord::Entry x;
  x.time = time;
  x.event.waited_seconds = waited;
  x.event.episode.pid = t.pid;
  x.event.episode.tgid = t.tgid;
  x.event.episode.comm = t.comm;
  x.event.episode.lock = 0xffff888104347070ull;
  x.event.episode.flags = 0x4;
  x.event.episode.kind = "rwsem";
  x.event.episode.start_ns = 123456789012345ull;
  x.event.episode.owner = {4242, "umount"};
  return x;
}

TEST(EpisodeRecord, ReplayPrintsWhatWatchPrinted) {
  EpisodeRecord r;
  r.snapshot = seed_snapshot();
  for (const model::Task& t : r.snapshot->tasks)  // sync (D) and the stopped daemon
    if (t.state == model::TaskState::disk_sleep || t.state == model::TaskState::stopped)
      r.episodes.push_back(
          entry_for(t, 2.0000000001 + r.episodes.size() / 3.0,
                    "2026-11-25T16:30:0" + std::to_string(r.episodes.size()) + "Z"));
  ASSERT_GE(r.episodes.size(), 2u);
  std::string text, json;
  for (const auto& x : r.episodes) {
    StuckOutput o = render_stuck(x.event, &*r.snapshot, x.time, "");
    text += o.text;
    json += o.json_line;
  }
  ASSERT_NE(text.find("STUCK pid"), std::string::npos);
  ASSERT_NE(text.find("root cause"), std::string::npos) << text;
  // Through the file's text, as analyze reads it.
  std::string file = episode_record_to_json(r).dump(1);
  auto back = episode_record_from_json(nlohmann::json::parse(file), "episode.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(replay_episode_record(*back, false), text);
  EXPECT_EQ(replay_episode_record(*back, true), json);

  // And through `hangscope analyze FILE`, as a person replays a recorded incident.
  std::string path = ::testing::TempDir() + "/hs-episode-" + std::to_string(getpid()) + ".json";
  std::ofstream(path) << file << "\n";
  EXPECT_EQ(run_analyze(path, false), text);
  EXPECT_EQ(run_analyze(path, true), json);
  std::remove(path.c_str());
}

TEST(EpisodeRecord, WithoutASnapshotTheReasonIsReplayed) {
  EpisodeRecord r;
  model::Task t;
  t.pid = 77;
  t.comm = "stuck\x1b[0m";
  r.episodes.push_back(entry_for(t, 12.5, "2026-11-25T16:30:01Z"));
  r.why_no_chain = "not root";
  StuckOutput o = render_stuck(r.episodes[0].event, nullptr, r.episodes[0].time, "not root");
  auto back = episode_record_from_json(episode_record_to_json(r), "f");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_FALSE(back->snapshot);
  EXPECT_EQ(replay_episode_record(*back, false), o.text);
  EXPECT_EQ(replay_episode_record(*back, true), o.json_line);
  EXPECT_NE(o.text.find("no chain: not root"), std::string::npos);
}

TEST(EpisodeRecord, BadFilesNameTheFileAndTheProblem) {
  auto not_ours =
      episode_record_from_json(nlohmann::json{{"schema", "hangscope-snapshot/1"}}, "x.json");
  ASSERT_FALSE(not_ours.ok());
  EXPECT_NE(not_ours.error().message.find("x.json: not a hangscope episode record"),
            std::string::npos);
  nlohmann::json broken{{"schema", kEpisodeSchema}, {"episodes", {{{"pid", "seven"}}}}};
  auto bad = episode_record_from_json(broken, "y.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("y.json: bad episode record"), std::string::npos);
  EXPECT_FALSE(is_episode_record(nlohmann::json::array()));
}

}  // namespace
}  // namespace hangscope::watch
