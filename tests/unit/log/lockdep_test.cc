#include "log/lockdep.h"

#include <gtest/gtest.h>

namespace hangscope::log {
namespace {

TEST(Lockdep, Header) {
  HeldLockDump d;
  ASSERT_TRUE(parse_held_lock_header("2 locks held by kworker/u4:2/123:", d));
  EXPECT_EQ(d.comm, "kworker/u4:2");
  EXPECT_EQ(d.pid, 123);
  ASSERT_TRUE(parse_held_lock_header("1 lock held by sync/10127:", d));
  EXPECT_EQ(d.pid, 10127);
  EXPECT_FALSE(parse_held_lock_header("2 locks held", d));
}

TEST(Lockdep, EntryWithAddress) {
  HeldLock h;
  ASSERT_TRUE(parse_held_lock_entry(
      " #0: ffff888003a1c070 (&type->s_umount_key#31){++++}-{3:3}, at: iterate_supers+0x95/0x100",
      h));
  EXPECT_EQ(h.index, 0);
  ASSERT_TRUE(h.addr.known());
  EXPECT_EQ(*h.addr, 0xffff888003a1c070ull);
  EXPECT_EQ(h.class_name, "&type->s_umount_key#31");
  EXPECT_EQ(h.lock_name, "s_umount");
  EXPECT_EQ(h.usage, "{++++}-{3:3}");
  EXPECT_EQ(h.at_function, "iterate_supers");
}

TEST(Lockdep, OldEntryAndNestedParens) {
  HeldLock h;
  ASSERT_TRUE(parse_held_lock_entry(
      " #1:  (&sb->s_type->i_mutex_key#13){+.+.}, at: [<ffffffff81>] do_truncate+0x1/0x2", h));
  EXPECT_FALSE(h.addr.known());
  EXPECT_EQ(h.lock_name, "i_rwsem");
  EXPECT_EQ(h.at_function, "do_truncate");
  ASSERT_TRUE(parse_held_lock_entry(
      " #0: ffff8880 ((wq_completion)events){+.+.}-{0:0}, at: process_one_work+0x1", h));
  EXPECT_EQ(h.class_name, "(wq_completion)events");
}

TEST(Lockdep, LockNames) {
  EXPECT_EQ(lock_name_from_class("sb_writers#5"), "sb_writers");
  EXPECT_EQ(lock_name_from_class("&mm->mmap_lock"), "mmap_lock");
  EXPECT_EQ(lock_name_from_class("rtnl_mutex"), "rtnl_mutex");
  EXPECT_EQ(lock_name_from_class("&type->i_mutex_dir_key/1"), "i_rwsem");
}

}  // namespace
}  // namespace hangscope::log
