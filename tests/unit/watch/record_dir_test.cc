// The recorder's directory: rotation oldest first within both caps, records written whole under
// a temporary name, leftovers of a crash removed, nothing else in the directory touched.
#include "watch/record_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/scratch_dir.h"

namespace hangscope::watch {
namespace {

namespace fs = std::filesystem;

TEST(RotationVictims, OldestFirstUntilBothCapsHold) {
  std::vector<StoredRecord> have{{"hang-3", 10}, {"hang-1", 10}, {"hang-2", 10}};
  EXPECT_TRUE(rotation_victims(have, 10, {100, 10}).empty());
  EXPECT_EQ(rotation_victims(have, 10, {100, 3}), (std::vector<std::string>{"hang-1"}));
  EXPECT_EQ(rotation_victims(have, 85, {100, 10}), (std::vector<std::string>{"hang-1", "hang-2"}));
  // A record as large as the cap leaves room for nothing else.
  EXPECT_EQ(rotation_victims(have, 100, {100, 10}).size(), 3u);
}

class RecordDirTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(root_.empty()); }
  std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  testsupport::ScratchDir scratch_{"record-dir"};
  std::string root_ = scratch_.path();
};

TEST_F(RecordDirTest, WritesWholeRecordsAndRotatesTheOldest) {
  std::string dir = root_ + "/rec";  // created on open
  auto d = RecordDir::open(dir, {1000, 2});
  ASSERT_TRUE(d.ok()) << d.error().message;
  for (int i = 1; i <= 3; ++i) {
    auto w = d->write("hang-0" + std::to_string(i), {{"a.txt", std::string(100, 'x')}, {"b", "y"}});
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(w->bytes, 101u);
    EXPECT_EQ(w->rotated,
              i == 3 ? std::vector<std::string>{"hang-01"} : std::vector<std::string>{});
  }
  EXPECT_FALSE(fs::exists(dir + "/hang-01"));
  EXPECT_EQ(read(dir + "/hang-03/a.txt"), std::string(100, 'x'));
  EXPECT_EQ(d->count(), 2u);
  EXPECT_EQ(d->total_bytes(), 202u);
  // Over the byte cap: the oldest goes first.
  auto big = d->write("hang-04", {{"a.txt", std::string(900, 'z')}});
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->rotated, (std::vector<std::string>{"hang-02", "hang-03"}));
  EXPECT_LE(d->total_bytes(), 1000u);
}

TEST_F(RecordDirTest, ReopenCountsExistingRecordsRemovesLeftoversKeepsForeignFiles) {
  std::string dir = root_;
  fs::create_directory(dir + "/hang-01");
  std::ofstream(dir + "/hang-01/report.txt") << std::string(300, 'a');
  fs::create_directory(dir + "/.tmp-hang-02");
  std::ofstream(dir + "/.tmp-hang-02/report.txt") << "partial";
  std::ofstream(dir + "/notes.txt") << "someone else's";
  auto d = RecordDir::open(dir, {1000, 1});
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_FALSE(fs::exists(dir + "/.tmp-hang-02"));
  EXPECT_EQ(d->count(), 1u);
  EXPECT_EQ(d->total_bytes(), 300u);
  auto w = d->write("hang-03", {{"report.txt", "r"}});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->rotated, (std::vector<std::string>{"hang-01"}));
  EXPECT_TRUE(fs::exists(dir + "/notes.txt"));
  EXPECT_TRUE(fs::exists(dir + "/hang-03/report.txt"));
}

TEST_F(RecordDirTest, ARecordLargerThanTheCapIsRefusedAndNothingIsDeleted) {
  auto d = RecordDir::open(root_, {100, 10});
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->write("hang-01", {{"f", "1"}}).ok());
  auto w = d->write("hang-02", {{"f", std::string(101, 'x')}});
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("exceeds the cap of 100 bytes"), std::string::npos);
  EXPECT_TRUE(fs::exists(root_ + "/hang-01/f"));
  EXPECT_FALSE(fs::exists(root_ + "/.tmp-hang-02"));
}

TEST_F(RecordDirTest, ErrorsNameTheDirectory) {
  std::ofstream(root_ + "/plain") << "x";
  auto d = RecordDir::open(root_ + "/plain", {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find(root_ + "/plain"), std::string::npos) << d.error().message;
  auto missing_parent = RecordDir::open(root_ + "/no/such", {});
  ASSERT_FALSE(missing_parent.ok());
  EXPECT_NE(missing_parent.error().message.find("cannot create"), std::string::npos);
}

}  // namespace
}  // namespace hangscope::watch
