// What frames and wait kinds say about a wait.
#include "kernel/wait_kind.h"

#include <gtest/gtest.h>

#include "kernel/stack_context.h"
#include "kernel/user_sleep.h"

namespace hangscope::kernel {
namespace {

using model::LockKind;

std::vector<model::StackFrame> stack(std::initializer_list<const char*> symbols) {
  std::vector<model::StackFrame> out;
  for (const char* s : symbols) out.push_back({0, s, 0, "", true});
  return out;
}

TEST(WaitKind, UserSpaceServedWaits) {
  EXPECT_TRUE(served_by_user_space(LockKind::fuse_request));
  EXPECT_TRUE(served_by_user_space(LockKind::userfaultfd));
  EXPECT_FALSE(served_by_user_space(LockKind::rwsem));
  EXPECT_FALSE(served_by_user_space(LockKind::io));
}

TEST(WaitKind, OnlySleepingLocksHaveWaiterRecords) {
  for (LockKind k : {LockKind::mutex, LockKind::rwsem, LockKind::semaphore, LockKind::percpu_rwsem,
                     LockKind::unknown})
    EXPECT_TRUE(may_have_waiter_record(k));
  for (LockKind k : {LockKind::fuse_request, LockKind::userfaultfd, LockKind::io,
                     LockKind::completion, LockKind::folio_lock})
    EXPECT_FALSE(may_have_waiter_record(k));
}

TEST(WaitKind, LockMachineryFramesAreSkippedForTheCaller) {
  for (const char* f : {"schedule", "schedule_preempt_disabled", "rwsem_down_write_slowpath",
                        "down_write", "__down_common", "__mutex_lock", "mutex_lock_killable"})
    EXPECT_TRUE(is_lock_machinery_frame(f)) << f;
  for (const char* f : {"iterate_supers", "deactivate_super", "fuse_file_write_iter"})
    EXPECT_FALSE(is_lock_machinery_frame(f)) << f;
}

TEST(WaitKind, KindFromALogsLockName) {
  EXPECT_EQ(lock_kind_from_name("sb_writers"), LockKind::percpu_rwsem);
  EXPECT_EQ(lock_kind_from_name("s_umount"), LockKind::rwsem);
  EXPECT_EQ(lock_kind_from_name("&type->i_mutex_dir_key#3"), LockKind::mutex);
  EXPECT_EQ(lock_kind_from_name("&mm->mmap_sem"), LockKind::rwsem);
  EXPECT_EQ(lock_kind_from_name("rtnl_mutex"), LockKind::mutex);
  EXPECT_EQ(lock_kind_from_name("&p->pi_lock"), LockKind::unknown);
}

TEST(StackContext, FilesystemOfTheInnermostFilesystemFrame) {
  EXPECT_EQ(filesystem_of(stack({"schedule", "fuse_file_write_iter", "ext4_write"})), "fuse");
  EXPECT_EQ(filesystem_of(stack({"nfs4_proc_open", "vfs_open"})), "nfs4");
  EXPECT_EQ(filesystem_of(stack({"generic_perform_write", "vfs_write"})), "");
}

TEST(StackContext, ModuleLoading) {
  EXPECT_TRUE(loads_a_module(stack({"my_init", "do_one_initcall", "do_init_module"})));
  EXPECT_FALSE(loads_a_module(stack({"my_exit", "__do_sys_delete_module"})));
}

TEST(UserSleep, SleepsForUserSpace) {
  EXPECT_EQ(user_space_sleep(stack({"__schedule", "do_nanosleep", "hrtimer_nanosleep"})),
            "do_nanosleep");
  EXPECT_EQ(user_space_sleep(stack({"__schedule", "hrtimer_nanosleep"})), "hrtimer_nanosleep");
  EXPECT_EQ(user_space_sleep(stack({"schedule", "n_tty_read"})), "");
  EXPECT_EQ(user_space_sleep({}), "");
}

}  // namespace
}  // namespace hangscope::kernel
