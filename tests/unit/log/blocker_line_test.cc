#include "log/blocker_line.h"

#include <gtest/gtest.h>

namespace hangscope::log {
namespace {

using model::LockKind;
using model::LockMode;

TEST(BlockerLine, RwsemReaderOwnedByWriter) {
  BlockerLine b;
  ASSERT_TRUE(
      parse_blocker_line("INFO: task sync:20237 <reader> blocked on an rw-semaphore likely owned "
                         "by task umount:20232 <writer>",
                         b));
  EXPECT_EQ(b.waiter_comm, "sync");
  EXPECT_EQ(b.waiter_pid, 20237);
  EXPECT_EQ(b.kind, LockKind::rwsem);
  EXPECT_EQ(b.waiter_mode, LockMode::read);
  EXPECT_TRUE(b.owner_found);
  EXPECT_EQ(b.owner_comm, "umount");
  EXPECT_EQ(b.owner_pid, 20232);
  EXPECT_EQ(b.owner_mode, LockMode::write);
}

TEST(BlockerLine, MutexWithColonsInComm) {
  BlockerLine b;
  ASSERT_TRUE(parse_blocker_line(
      "INFO: task kworker/u16:0:12 is blocked on a mutex likely owned by task modprobe:31634.", b));
  EXPECT_EQ(b.waiter_comm, "kworker/u16:0");
  EXPECT_EQ(b.waiter_pid, 12);
  EXPECT_EQ(b.kind, LockKind::mutex);
  EXPECT_EQ(b.owner_comm, "modprobe");
  EXPECT_EQ(b.owner_pid, 31634);
}

TEST(BlockerLine, SemaphoreLastHeldBy) {
  BlockerLine b;
  ASSERT_TRUE(parse_blocker_line(
      "INFO: task a b:7 blocked on a semaphore likely last held by task c:8", b));
  EXPECT_EQ(b.waiter_comm, "a b");
  EXPECT_EQ(b.kind, LockKind::semaphore);
  EXPECT_EQ(b.owner_pid, 8);
}

TEST(BlockerLine, OwnerNotFound) {
  BlockerLine b;
  ASSERT_TRUE(parse_blocker_line(
      "INFO: task modprobe:2342 is blocked on an rw-semaphore, but the owner is not found.", b));
  EXPECT_FALSE(b.owner_found);
  EXPECT_EQ(b.waiter_pid, 2342);
  ASSERT_TRUE(
      parse_blocker_line("INFO: task x:1 is blocked on a mutex, but the owner is not found.", b));
  EXPECT_EQ(b.kind, LockKind::mutex);
}

TEST(BlockerLine, RejectsOtherLines) {
  BlockerLine b;
  EXPECT_FALSE(parse_blocker_line("INFO: task sync:1 blocked for more than 120 seconds.", b));
  EXPECT_FALSE(parse_blocker_line("INFO: task blocked on a mutex likely owned by task", b));
  EXPECT_FALSE(parse_blocker_line("", b));
}

}  // namespace
}  // namespace hangscope::log
