// A two-hop chain on a plain FUSE file: writer2/trunc3 -> i_rwsem -> writer1 -> FUSE_WRITE ->
// stopped hangfs. Checks the fixture's states, then `hangscope why` for both blocked tasks.
#include "support/skip.h"
#include "demo/fuse_write_chain.h"

#include <gtest/gtest.h>

#include <string>

#include "demo/fuse_control.h"
#include "demo/proc_task.h"
#include "live/live_support.h"

namespace hangscope::live {
namespace {

using demo::FuseWriteChain;

class FuseWriteChainTest : public HangTest<FuseWriteChain> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    auto hang = FuseWriteChain::start({hangfs_binary(), false, demo::Millis(10000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    for (pid_t p :
         {hang_->daemon_pid(), hang_->writer1_pid(), hang_->writer2_pid(), hang_->trunc3_pid()}) {
      remember_pid(p);
    }
  }
  /// Asserts the chain of a task blocked on writer1's i_rwsem.
  void expect_chain_through_writer1(pid_t stuck) {
    nlohmann::json chain;
    ASSERT_NO_FATAL_FAILURE(why_chain(stuck, &chain));
    SCOPED_TRACE("chain: " + chain.dump(2));
    const auto& hops = chain["hops"];
    ASSERT_GE(hops.size(), 2u) << chain.dump(2);

    const auto& h0 = hops[0];
    EXPECT_EQ(h0["waiter"].value("pid", -1), stuck);
    EXPECT_EQ(h0["waiter"].value("state", ""), "D");
    EXPECT_EQ(h0["wait"].value("kind", ""), "rwsem");
    EXPECT_EQ(h0["wait"].value("mode", ""), "write");
    EXPECT_EQ(h0["wait"].value("lock_name", ""), "i_rwsem");
    EXPECT_EQ(h0["object"].value("type", ""), "inode");
    EXPECT_EQ(object_field(h0, "ino"), std::to_string(hang_->file_ino()));
    EXPECT_EQ(object_field(h0, "name"), hang_->file_name());
    EXPECT_EQ(object_field(h0, "s_id"), "fuse");
    EXPECT_EQ(holder_pids(h0), std::vector<pid_t>{hang_->writer1_pid()});
    EXPECT_EQ(h0.value("holder_mode", ""), "write");

    const auto& h1 = hops[1];
    EXPECT_EQ(h1["waiter"].value("pid", -1), hang_->writer1_pid());
    EXPECT_EQ(h1["wait"].value("kind", ""), "fuse_request");
    EXPECT_EQ(h1["wait"].value("fuse_opcode", ""), "WRITE");
    EXPECT_EQ(h1["wait"].value("fuse_conn", 0ull), hang_->connection_id());
    EXPECT_EQ(h1["object"].value("type", ""), "fuse_conn");
    EXPECT_EQ(object_field(h1, "id"), std::to_string(hang_->connection_id()));
    EXPECT_EQ(split_commas(object_field(h1, "daemons")),
              std::vector<std::string>{std::to_string(hang_->daemon_pid())});
    EXPECT_EQ(holder_pids(h1), std::vector<pid_t>{hang_->daemon_pid()});

    const auto& root = chain["root_cause"];
    EXPECT_EQ(root.value("kind", ""), "stopped_task") << root.dump();
    EXPECT_EQ(root.value("pid", -1), hang_->daemon_pid());
  }
};

TEST_F(FuseWriteChainTest, TasksBlockOnTheInodeLock) {
  auto daemon = demo::read_task_stat(hang_->daemon_pid());
  ASSERT_TRUE(daemon.ok());
  EXPECT_EQ(daemon->state, 'T');
  auto w1 = demo::read_task_stat(hang_->writer1_pid());
  ASSERT_TRUE(w1.ok());
  EXPECT_EQ(w1->comm, "writer1");
  EXPECT_EQ(w1->state, 'S');  // interruptible until a signal arrives
  EXPECT_EQ(demo::read_task_wchan(hang_->writer1_pid()), "request_wait_answer");
  auto stack = demo::read_task_stack(hang_->writer1_pid());
  EXPECT_NE(std::find(stack.begin(), stack.end(), "fuse_perform_write"), stack.end());
  EXPECT_EQ(demo::describe_task(hang_->writer2_pid()),
            "pid " + std::to_string(hang_->writer2_pid()) + " (writer2) D in fuse_file_write_iter");
  EXPECT_EQ(demo::describe_task(hang_->trunc3_pid()),
            "pid " + std::to_string(hang_->trunc3_pid()) + " (trunc3) D in do_truncate");
}

TEST_F(FuseWriteChainTest, CleanupReleasesEverything) {
  pid_t pids[] = {hang_->daemon_pid(), hang_->writer1_pid(), hang_->writer2_pid(),
                  hang_->trunc3_pid()};
  auto conn = hang_->connection_id();
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (pid_t p : pids) EXPECT_FALSE(demo::read_task_stat(p).ok()) << demo::describe_task(p);
  EXPECT_FALSE(demo::fuse_connection_exists(conn));
}

TEST_F(FuseWriteChainTest, WhyExplainsWriter2) {
  expect_chain_through_writer1(hang_->writer2_pid());
}

TEST_F(FuseWriteChainTest, WhyExplainsKillableTruncate) {
  expect_chain_through_writer1(hang_->trunc3_pid());
}

}  // namespace
}  // namespace hangscope::live
