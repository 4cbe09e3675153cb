// write() from a userfaultfd page with a stopped handler: writer2 -> i_rwsem (or pipe mutex) ->
// writer1 -> userfaultfd -> stopped handler. Checks the fixture's states, then `hangscope why`.
#include "support/skip.h"
#include "demo/uffd_write.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "demo/proc_task.h"
#include "live/live_support.h"

namespace hangscope::live {
namespace {

using demo::UffdTarget;
using demo::UffdWrite;

class UffdWriteTest : public HangTest<UffdWrite, testing::TestWithParam<UffdTarget>> {
 protected:
  void SetUp() override {
    if (auto why = live_skip_reason(); !why.empty()) HS_SKIP(why);
    auto hang = UffdWrite::start({GetParam(), demo::Millis(10000), {}});
    ASSERT_TRUE(hang.ok()) << hang.error().message;
    hang_ = std::move(hang).value();
    for (pid_t p : {hang_->writer1_pid(), hang_->writer2_pid(), hang_->handler_pid()}) {
      remember_pid(p);
    }
  }
  bool is_file() const { return GetParam() == UffdTarget::kFile; }
};

TEST_P(UffdWriteTest, WriterFaultsIntoTheStoppedHandler) {
  auto handler = demo::read_task_stat(hang_->handler_pid());
  ASSERT_TRUE(handler.ok());
  EXPECT_EQ(handler->state, 'T');
  EXPECT_EQ(handler->comm, "uffd_handler");
  EXPECT_EQ(handler->ppid, hang_->writer1_pid());

  auto w1 = demo::read_task_stat(hang_->writer1_pid());
  ASSERT_TRUE(w1.ok());
  EXPECT_EQ(w1->state, 'S');  // a fault from copy_from_user sleeps interruptibly
  EXPECT_EQ(demo::read_task_wchan(hang_->writer1_pid()), "handle_userfault");
  auto stack = demo::read_task_stack(hang_->writer1_pid());
  auto has = [&](const char* fn) {
    return std::find(stack.begin(), stack.end(), fn) != stack.end();
  };
  EXPECT_TRUE(has(is_file() ? "generic_perform_write" : "anon_pipe_write"))
      << testing::PrintToString(stack);

  auto w2 = demo::read_task_stat(hang_->writer2_pid());
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ(w2->state, 'D');
  EXPECT_EQ(demo::read_task_wchan(hang_->writer2_pid()),
            is_file() ? "ext4_buffered_write_iter" : "anon_pipe_write");
}

TEST_P(UffdWriteTest, CleanupReleasesEverything) {
  pid_t pids[] = {hang_->writer1_pid(), hang_->writer2_pid(), hang_->handler_pid()};
  auto s = hang_->cleanup();
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (pid_t p : pids) EXPECT_FALSE(demo::read_task_stat(p).ok()) << demo::describe_task(p);
}

TEST_P(UffdWriteTest, WhyExplainsWriter2) {
  pid_t stuck = hang_->writer2_pid();
  nlohmann::json chain;
  ASSERT_NO_FATAL_FAILURE(why_chain(stuck, &chain));
  SCOPED_TRACE("chain: " + chain.dump(2));
  const auto& hops = chain["hops"];
  ASSERT_GE(hops.size(), 2u);

  const auto& h0 = hops[0];
  EXPECT_EQ(h0["waiter"].value("pid", -1), stuck);
  EXPECT_EQ(h0["waiter"].value("state", ""), "D");
  if (is_file()) {
    EXPECT_EQ(h0["wait"].value("kind", ""), "rwsem");
    EXPECT_EQ(h0["wait"].value("mode", ""), "write");
    EXPECT_EQ(h0["wait"].value("lock_name", ""), "i_rwsem");
    EXPECT_EQ(h0["object"].value("type", ""), "inode");
    EXPECT_EQ(object_field(h0, "ino"), std::to_string(hang_->target_ino()));
    EXPECT_EQ(object_field(h0, "name"), hang_->target_name());
  } else {
    EXPECT_EQ(h0["wait"].value("kind", ""), "mutex");
    EXPECT_EQ(h0["wait"].value("mode", ""), "exclusive");
  }
  EXPECT_EQ(holder_pids(h0), std::vector<pid_t>{hang_->writer1_pid()});

  const auto& h1 = hops[1];
  EXPECT_EQ(h1["waiter"].value("pid", -1), hang_->writer1_pid());
  EXPECT_EQ(h1["wait"].value("kind", ""), "userfaultfd");
  EXPECT_EQ(h1["object"].value("type", ""), "userfaultfd");
  EXPECT_EQ(split_commas(object_field(h1, "handlers")),
            std::vector<std::string>{std::to_string(hang_->handler_pid())});
  EXPECT_EQ(holder_pids(h1), std::vector<pid_t>{hang_->handler_pid()});

  const auto& root = chain["root_cause"];
  EXPECT_TRUE(root.value("kind", "") == "uffd_handler" || root.value("kind", "") == "stopped_task")
      << root.dump();
  EXPECT_EQ(root.value("pid", -1), hang_->handler_pid());
}

INSTANTIATE_TEST_SUITE_P(Targets, UffdWriteTest,
                         testing::Values(UffdTarget::kFile, UffdTarget::kFifo),
                         [](const testing::TestParamInfo<UffdTarget>& p) {
                           return p.param == UffdTarget::kFile ? "File" : "Fifo";
                         });

}  // namespace
}  // namespace hangscope::live
