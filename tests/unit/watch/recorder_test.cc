// The recorder end to end on a temporary directory: the rate limit picks the incidents, the
// worker writes report.txt, report.json and episode.json, the caps rotate, and a bad directory
// is an error at start.
#include "watch/recorder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/scratch_dir.h"

namespace hangscope::watch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

EpisodeRecord incident(int pid) {
  EpisodeRecord r;
  EpisodeRecord::Entry x;
  x.time = "2026-11-25T16:30:01Z";
  x.event.episode.pid = pid;
  x.event.episode.comm = "sync";
  x.event.waited_seconds = 3;
  r.episodes.push_back(x);
  r.why_no_chain = "no snapshot in this test";
  return r;
}

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(root_.empty()); }
  testsupport::ScratchDir scratch_{"recorder"};
  std::string root_ = scratch_.path();
};

TEST_F(RecorderTest, RateLimitCapsAndReplayFiles) {
  RecorderOptions o;
  o.dir = root_ + "/rec";
  o.caps = {1 << 20, 2};
  o.rate = {3, 60, 120};
  auto r = Recorder::start(o, 2000ms);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE((*r)->open_pending());
  const std::uint64_t s = 1000000000ull;
  std::vector<Recorder::Offer> offers;
  for (int i = 0; i < 5; ++i)  // five incidents within five seconds: a burst of three
    offers.push_back((*r)->offer(i * s, "2026-11-25T16:30:0" + std::to_string(i) + "Z",
                                 incident(100 + i), "text " + std::to_string(i) + "\n",
                                 "{\"pid\":" + std::to_string(100 + i) + "}\n"));
  EXPECT_EQ(offers, (std::vector<Recorder::Offer>{
                        Recorder::Offer::queued, Recorder::Offer::queued, Recorder::Offer::queued,
                        Recorder::Offer::suppressed, Recorder::Offer::suppressed}));
  // The bucket ran dry, so its refill interval doubled: two minutes after the burst one more is
  // allowed, and it says how many were skipped before it.
  EXPECT_EQ((*r)->offer(119 * s, "2026-11-25T16:31:59Z", incident(199), "early\n", "{}\n"),
            Recorder::Offer::suppressed);
  EXPECT_EQ((*r)->offer(121 * s, "2026-11-25T16:32:01Z", incident(200), "late\n", "{}\n"),
            Recorder::Offer::queued);
  ASSERT_TRUE((*r)->stop(5000ms));
  auto outcomes = (*r)->take_outcomes();
  ASSERT_EQ(outcomes.size(), 4u);
  for (const auto& x : outcomes) EXPECT_TRUE(x.ok) << x.error;
  EXPECT_EQ(outcomes[2].rotated, (std::vector<std::string>{"hang-20261125T163000Z-000001-pid100"}));
  EXPECT_EQ(outcomes[3].suppressed_before, 3u);
  RecorderCounters c = (*r)->counters();
  EXPECT_EQ(c.written, 4u);
  EXPECT_EQ(c.suppressed, 3u);
  EXPECT_EQ(c.rotated, 2u);
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(o.dir)) left.push_back(e.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"hang-20261125T163002Z-000003-pid102",
                                            "hang-20261125T163201Z-000004-pid200"}));
  fs::path last = fs::path(o.dir) / left[1];
  EXPECT_EQ(read(last / "report.txt"), "late\n");
  EXPECT_EQ(read(last / "report.json"), "{}\n");
  auto replay = nlohmann::json::parse(read(last / "episode.json"));
  EXPECT_TRUE(is_episode_record(replay));
  EXPECT_EQ(replay["why_no_chain"], "no snapshot in this test");
}

TEST_F(RecorderTest, AReplayFileOverTheCapIsLeftOutTheReportsKept) {
  RecorderOptions o;
  o.dir = root_;
  o.caps = {64, 10};
  auto r = Recorder::start(o, 2000ms);
  ASSERT_TRUE(r.ok());
  (*r)->offer(0, "2026-11-25T16:30:00Z", incident(1), "t\n", "{}\n");
  ASSERT_TRUE((*r)->stop(5000ms));
  auto outcomes = (*r)->take_outcomes();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].ok);
  EXPECT_FALSE(outcomes[0].replay_kept);
  EXPECT_FALSE(fs::exists(outcomes[0].path + "/episode.json"));
  EXPECT_TRUE(fs::exists(outcomes[0].path + "/report.txt"));
}

TEST_F(RecorderTest, ADirectoryThatCannotBeCreatedIsAnErrorAtStart) {
  RecorderOptions o;
  o.dir = root_ + "/missing/parent";
  auto r = Recorder::start(o, 2000ms);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(o.dir), std::string::npos) << r.error().message;
}

TEST(RecordName, SortsByTime) {
  EXPECT_EQ(record_name("2026-11-25T16:30:01Z", 7, 1234), "hang-20261125T163001Z-000007-pid1234");
  EXPECT_LT(record_name("2026-11-25T16:30:01Z", 9, 1), record_name("2026-11-25T16:30:02Z", 1, 1));
}

}  // namespace
}  // namespace hangscope::watch
