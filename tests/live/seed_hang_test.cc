// The seed's shape on the live kernel: sync -> s_umount (read) -> umount -> FUSE DESTROY ->
// stopped hangfs. Checks the fixture's own states, then `hangscope why <sync> --json`.
#include "support/skip.h"
#include "demo/seed_hang.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "demo/fuse_control.h"
#include "demo/loop_device.h"
#include "demo/mountinfo.h"
#include "demo/proc_task.h"
#include "live/live_support.h"

namespace hangscope::live {
namespace {

using demo::SeedHang;

bool stack_has(pid_t pid, const std::string& fn) {
  auto stack = demo::read_task_stack(pid);
  return std::find(stack.begin(), stack.end(), fn) != stack.end();
}

class SeedHangTest : public HangTest<SeedHang> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    auto hang = SeedHang::start({hangfs_binary(), true, demo::Millis(10000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    for (pid_t p : {hang_->daemon_pid(), hang_->umount_pid(), hang_->sync_pid()}) remember_pid(p);
  }
};

TEST_F(SeedHangTest, TasksBlockWhereTheSeedCaseDid) {
  auto daemon = demo::read_task_stat(hang_->daemon_pid());
  ASSERT_TRUE(daemon.ok());
  EXPECT_EQ(daemon->state, 'T');
  EXPECT_EQ(daemon->comm, "hangfs");

  auto umount = demo::read_task_stat(hang_->umount_pid());
  ASSERT_TRUE(umount.ok());
  EXPECT_EQ(umount->state, 'D');  // SIGUSR1 made the forced DESTROY wait uninterruptible
  EXPECT_EQ(demo::read_task_wchan(hang_->umount_pid()), "request_wait_answer");
  EXPECT_TRUE(stack_has(hang_->umount_pid(), "fuse_send_destroy"));
  EXPECT_TRUE(stack_has(hang_->umount_pid(), "deactivate_locked_super"));

  auto sync = demo::read_task_stat(hang_->sync_pid());
  ASSERT_TRUE(sync.ok());
  EXPECT_EQ(sync->state, 'D');
  EXPECT_EQ(demo::read_task_wchan(hang_->sync_pid()), "super_lock");
  EXPECT_TRUE(stack_has(hang_->sync_pid(), "ksys_sync"));

  // The connection id is the fuseblk super_block's device (the loop device).
  EXPECT_EQ(hang_->dev_major(), 7u);
  EXPECT_EQ(hang_->connection_id(), demo::fuse_connection_id(7, hang_->loop_number()));
  EXPECT_TRUE(demo::fuse_connection_exists(hang_->connection_id()));
  // umount2() already detached the mount from the namespace: mountinfo no longer shows it
  // while the super_block is being torn down.
  auto mounts = demo::read_mountinfo();
  ASSERT_TRUE(mounts.ok());
  EXPECT_FALSE(demo::find_mount(*mounts, hang_->mount_point()).has_value());
}

TEST_F(SeedHangTest, CleanupReleasesEverything) {
  pid_t pids[] = {hang_->daemon_pid(), hang_->umount_pid(), hang_->sync_pid()};
  auto conn = hang_->connection_id();
  int loop = hang_->loop_number();
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (pid_t p : pids) EXPECT_FALSE(demo::read_task_stat(p).ok()) << demo::describe_task(p);
  EXPECT_FALSE(demo::fuse_connection_exists(conn));
  // Autoclear detaches the loop device after the last close; allow it a moment.
  demo::Deadline deadline(demo::Millis(3000));
  while (demo::loop_device_bound(loop) && !deadline.expired()) ::usleep(10000);
  EXPECT_FALSE(demo::loop_device_bound(loop));
  EXPECT_TRUE(hang_->cleanup().ok());  // idempotent
}

TEST_F(SeedHangTest, WhyExplainsSync) {
  nlohmann::json chain;
  ASSERT_NO_FATAL_FAILURE(why_chain(hang_->sync_pid(), &chain));
  SCOPED_TRACE("chain: " + chain.dump(2));
  const auto& hops = chain["hops"];
  ASSERT_GE(hops.size(), 2u) << chain.dump(2);

  const auto& h0 = hops[0];
  EXPECT_EQ(h0["waiter"].value("pid", -1), hang_->sync_pid());
  EXPECT_EQ(h0["waiter"].value("state", ""), "D");
  EXPECT_EQ(h0["wait"].value("kind", ""), "rwsem");
  EXPECT_EQ(h0["wait"].value("mode", ""), "read");
  EXPECT_EQ(h0["wait"].value("lock_name", ""), "s_umount");
  EXPECT_EQ(h0["object"].value("type", ""), "super_block");
  EXPECT_EQ(object_field(h0, "s_id"), hang_->loop_name());
  EXPECT_EQ(object_field(h0, "fs_type"), "fuseblk");
  EXPECT_EQ(object_field(h0, "dev"),
            std::to_string(hang_->dev_major()) + ":" + std::to_string(hang_->dev_minor()));
  EXPECT_EQ(holder_pids(h0), std::vector<pid_t>{hang_->umount_pid()});
  EXPECT_EQ(h0.value("holder_mode", ""), "write");

  const auto& h1 = hops[1];
  EXPECT_EQ(h1["waiter"].value("pid", -1), hang_->umount_pid());
  EXPECT_EQ(h1["wait"].value("kind", ""), "fuse_request");
  EXPECT_EQ(h1["wait"].value("fuse_opcode", ""), "DESTROY");
  EXPECT_EQ(h1["wait"].value("fuse_conn", 0ull), hang_->connection_id());
  EXPECT_EQ(h1["object"].value("type", ""), "fuse_conn");
  EXPECT_EQ(object_field(h1, "id"), std::to_string(hang_->connection_id()));
  EXPECT_EQ(split_commas(object_field(h1, "daemons")),
            std::vector<std::string>{std::to_string(hang_->daemon_pid())});
  EXPECT_EQ(object_field(h1, "abort"), hang_->abort_path());
  EXPECT_EQ(holder_pids(h1), std::vector<pid_t>{hang_->daemon_pid()});
  if (!h1["holders"].empty()) EXPECT_EQ(h1["holders"][0].value("state", ""), "T");

  const auto& root = chain["root_cause"];
  EXPECT_EQ(root.value("kind", ""), "stopped_task") << root.dump();
  EXPECT_EQ(root.value("pid", -1), hang_->daemon_pid());
  EXPECT_NE(root.value("remedy", "").find(std::to_string(hang_->connection_id())),
            std::string::npos)
      << "the remedy should name the abort knob: " << root.dump();
}

}  // namespace
}  // namespace hangscope::live
