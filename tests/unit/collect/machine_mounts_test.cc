// Which mount table names filesystems: pid 1's when this process is in another mount namespace,
// its own otherwise or when pid 1's cannot be read (a fake procfs tree stands in for /proc).
#include "collect/machine_mounts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/scratch_dir.h"

namespace hangscope::collect {
namespace {

namespace fs = std::filesystem;

class MachineMountsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(proc_.empty()); }
  // PROC/PID/ns/mnt -> `ns` (when not empty) and PROC/PID/mountinfo mounting 8:1 at `where`.
  void task(const std::string& pid, const std::string& ns, const std::string& where) {
    fs::create_directories(proc_ + "/" + pid + "/ns");
    if (!ns.empty()) fs::create_symlink(ns, proc_ + "/" + pid + "/ns/mnt");
    if (!where.empty())
      std::ofstream(proc_ + "/" + pid + "/mountinfo")
          << "36 1 8:1 / " << where << " rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
  }
  testsupport::ScratchDir scratch_{"machine-mounts"};
  std::string proc_ = scratch_.path();
};

TEST_F(MachineMountsTest, AnotherNamespaceReadsPidOnesTable) {
  task("self", "mnt:[4026532001]", "/var/lib/hangscope/records");
  task("1", "mnt:[4026531841]", "/srv/data");
  auto m = read_machine_mounts(proc_);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->from_init);
  ASSERT_EQ(m->mounts.size(), 1u);
  EXPECT_EQ(m->mounts[0].mount_point, "/srv/data");
}

TEST_F(MachineMountsTest, SameNamespaceOrUnreadablePidOneReadsItsOwn) {
  task("self", "mnt:[4026531841]", "/srv/data");
  task("1", "mnt:[4026531841]", "/elsewhere");
  auto same = read_machine_mounts(proc_);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->from_init);
  EXPECT_EQ(same->mounts.at(0).mount_point, "/srv/data");
  fs::remove_all(proc_ + "/1");
  task("1", "", "");  // pid 1 hidden (a sandbox's init): no link to compare
  auto hidden = read_machine_mounts(proc_);
  ASSERT_TRUE(hidden.ok());
  EXPECT_FALSE(hidden->from_init);
}

TEST_F(MachineMountsTest, PidOnesTableUnreadableFallsBackAndNoTableIsAnError) {
  task("self", "mnt:[4026532001]", "/own");
  task("1", "mnt:[4026531841]", "");
  auto m = read_machine_mounts(proc_);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->from_init);
  EXPECT_EQ(m->mounts.at(0).mount_point, "/own");
  fs::remove(proc_ + "/self/mountinfo");
  auto none = read_machine_mounts(proc_);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("self/mountinfo"), std::string::npos) << none.error().message;
}

}  // namespace
}  // namespace hangscope::collect
