// A frozen loop-mounted ext4: writers wait in percpu_rwsem_wait on s_writers; nobody owns a
// freeze. Checks the fixture's states, then `hangscope why` for the writer and the mkdir.
#include "support/skip.h"
#include "demo/frozen_ext4.h"

#include <gtest/gtest.h>

#include <string>

#include "demo/loop_device.h"
#include "demo/mountinfo.h"
#include "demo/proc_task.h"
#include "live/live_support.h"

namespace hangscope::live {
namespace {

using demo::FrozenExt4;

class FrozenExt4Test : public HangTest<FrozenExt4> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    if (::access("/usr/sbin/mkfs.ext4", X_OK) != 0 && ::access("/sbin/mkfs.ext4", X_OK) != 0) {
      HS_SKIP("mkfs.ext4 not installed (e2fsprogs)");
    }
    auto hang = FrozenExt4::start({true, demo::Millis(20000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    remember_pid(hang_->writer_pid());
    remember_pid(hang_->mkdir_pid());
  }
  void expect_frozen_chain(pid_t stuck) {
    nlohmann::json chain;
    ASSERT_NO_FATAL_FAILURE(why_chain(stuck, &chain));
    SCOPED_TRACE("chain: " + chain.dump(2));
    const auto& hops = chain["hops"];
    ASSERT_EQ(hops.size(), 1u);
    const auto& h0 = hops[0];
    EXPECT_EQ(h0["waiter"].value("pid", -1), stuck);
    EXPECT_EQ(h0["waiter"].value("state", ""), "D");
    EXPECT_EQ(h0["wait"].value("kind", ""), "percpu_rwsem");
    EXPECT_EQ(h0["wait"].value("mode", ""), "read");
    EXPECT_EQ(h0["object"].value("type", ""), "super_block");
    EXPECT_EQ(object_field(h0, "s_id"), hang_->loop_name());
    EXPECT_EQ(object_field(h0, "fs_type"), "ext4");
    EXPECT_EQ(object_field(h0, "dev"),
              std::to_string(hang_->dev_major()) + ":" + std::to_string(hang_->dev_minor()));
    EXPECT_EQ(split_commas(object_field(h0, "mount_points")),
              std::vector<std::string>{hang_->mount_point()});
    std::string frozen = object_field(h0, "frozen");
    EXPECT_FALSE(frozen.empty() || frozen == "0") << "frozen=" << frozen;
    EXPECT_TRUE(holder_pids(h0).empty());

    const auto& root = chain["root_cause"];
    EXPECT_EQ(root.value("kind", ""), "frozen_fs");
    EXPECT_FALSE(root.contains("pid") && root["pid"].is_number() && root["pid"] > 0);
    std::string remedy = root.value("remedy", "");
    EXPECT_NE(remedy.find("fsfreeze -u"), std::string::npos) << remedy;
    EXPECT_NE(remedy.find(hang_->mount_point()), std::string::npos) << remedy;
  }
};

TEST_F(FrozenExt4Test, WritersWaitOnTheFreeze) {
  EXPECT_EQ(demo::describe_task(hang_->writer_pid()),
            "pid " + std::to_string(hang_->writer_pid()) + " (fdwriter) D in percpu_rwsem_wait");
  auto wstack = demo::read_task_stack(hang_->writer_pid());
  EXPECT_NE(std::find(wstack.begin(), wstack.end(), "vfs_write"), wstack.end());
  EXPECT_EQ(demo::describe_task(hang_->mkdir_pid()),
            "pid " + std::to_string(hang_->mkdir_pid()) + " (mkdir) D in percpu_rwsem_wait");
  auto mstack = demo::read_task_stack(hang_->mkdir_pid());
  EXPECT_NE(std::find(mstack.begin(), mstack.end(), "mnt_want_write"), mstack.end());
  auto mounts = demo::read_mountinfo();
  ASSERT_TRUE(mounts.ok());
  auto m = demo::find_mount(*mounts, hang_->mount_point());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->fs_type, "ext4");
  EXPECT_EQ(m->source, hang_->loop_path());
}

TEST_F(FrozenExt4Test, CleanupThawsUnmountsAndDetaches) {
  pid_t pids[] = {hang_->writer_pid(), hang_->mkdir_pid()};
  int loop = hang_->loop_number();
  std::string mnt = hang_->mount_point();
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (pid_t p : pids) EXPECT_FALSE(demo::read_task_stat(p).ok()) << demo::describe_task(p);
  auto mounts = demo::read_mountinfo();
  ASSERT_TRUE(mounts.ok());
  EXPECT_FALSE(demo::find_mount(*mounts, mnt).has_value());
  demo::Deadline deadline(demo::Millis(3000));
  while (demo::loop_device_bound(loop) && !deadline.expired()) ::usleep(10000);
  EXPECT_FALSE(demo::loop_device_bound(loop));
}

TEST_F(FrozenExt4Test, WhyExplainsTheWriter) { expect_frozen_chain(hang_->writer_pid()); }

TEST_F(FrozenExt4Test, WhyExplainsTheMkdir) { expect_frozen_chain(hang_->mkdir_pid()); }

}  // namespace
}  // namespace hangscope::live
