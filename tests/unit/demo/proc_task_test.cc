#include "demo/proc_task.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace hangscope::demo {
namespace {

TEST(ParseTaskStat, ReadsPidCommStateAndPpid) {
  auto st = parse_proc_stat("20237 (sync) D 20230 20237 20000 0 -1 4194560 95 0 0 0\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->pid, 20237);
  EXPECT_EQ(st->comm, "sync");
  EXPECT_EQ(st->state, 'D');
  EXPECT_EQ(st->ppid, 20230);
}

TEST(ParseTaskStat, CommMayHoldSpacesAndParentheses) {
  auto st = parse_proc_stat("7 (a) b (c)) T 1 7 7");
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->comm, "a) b (c)");
  EXPECT_EQ(st->state, 'T');
  EXPECT_EQ(st->ppid, 1);
}

TEST(ParseTaskStat, RejectsTruncatedAndGarbage) {
  EXPECT_FALSE(parse_proc_stat("").ok());
  EXPECT_FALSE(parse_proc_stat("12 (sync)").ok());
  EXPECT_FALSE(parse_proc_stat("12 (sync) D").ok());
  EXPECT_FALSE(parse_proc_stat("x (sync) D 1").ok());
  EXPECT_FALSE(parse_proc_stat("12 (sync) D one").ok());
  EXPECT_FALSE(parse_proc_stat(std::string("12 (s\0y) D 1", 12).substr(0, 5)).ok());
}

TEST(ReadTaskStat, SeesThisProcessRunning) {
  auto st = read_task_stat(::getpid());
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->pid, ::getpid());
  EXPECT_EQ(st->state, 'R');
  EXPECT_EQ(st->ppid, ::getppid());
}

TEST(ParseTaskStack, StripsMarkersAndOffsets) {
  auto fns = parse_task_stack(
      "[<0>] super_lock+0xf3/0x120\n[<0>] __iterate_supers+0xcc/0x170\n"
      "[<0>] ksys_sync+0x3f/0xb0\ngarbage line\n[<0>] \n");
  EXPECT_EQ(fns, (std::vector<std::string>{"super_lock", "__iterate_supers", "ksys_sync"}));
  EXPECT_TRUE(parse_task_stack("").empty());
}

TEST(TaskMatches, StateAndAnyOfTheWchans) {
  TaskStat st;
  st.state = 'S';
  EXPECT_TRUE(task_matches(st, "request_wait_answer", {"SD", {"request_wait_answer"}}));
  EXPECT_FALSE(task_matches(st, "request_wait_answer", {"D", {"request_wait_answer"}}));
  EXPECT_FALSE(task_matches(st, "do_truncate", {"SD", {"request_wait_answer"}}));
  EXPECT_TRUE(task_matches(st, "anything", {"S", {}}));
  EXPECT_TRUE(task_matches(st, "b", {"S", {"a", "b"}}));
}

TEST(WaitForTask, FailsWithWhatItSawWhenTheStateNeverComes) {
  auto s = wait_for_task(::getpid(), {"T", {}}, Millis(20));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("expected state T"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("last saw R"), std::string::npos) << s.error().message;
}

TEST(DescribeTask, SaysGoneForAMissingPid) {
  EXPECT_EQ(describe_task(0x3fffffff), "pid 1073741823: gone");
}

}  // namespace
}  // namespace hangscope::demo
