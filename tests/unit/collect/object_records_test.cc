// Records of kernel objects: super_blocks, held files, and the objects a lock lives in.
#include "collect/object_records.h"

#include <gtest/gtest.h>

#include "unit/collect/scan_records.h"

namespace hangscope::collect {
namespace {

using testing::brief_record;
using testing::full_record;

TEST(ObjectRecords, SuperBlock) {
  hs_super_block s{};
  s.addr = 0x1000;
  s.s_umount_addr = 0x1070;
  s.s_writers_addr = 0x1200;
  s.s_dev = (7 << 20) | 3;
  s.frozen = 4;  // SB_FREEZE_COMPLETE
  std::strncpy(s.s_id, "loop3", sizeof s.s_id);
  std::strncpy(s.fs_type, "fuseblk", sizeof s.fs_type);
  model::SuperBlock sb = super_block_from_record(s);
  EXPECT_EQ(sb.addr, 0x1000u);
  EXPECT_EQ(sb.s_id, "loop3");
  EXPECT_EQ(sb.fs_type, "fuseblk");
  EXPECT_EQ(*sb.dev, (7u << 20) | 3u);
  EXPECT_EQ(*sb.s_umount_addr, 0x1070u);
  EXPECT_EQ(*sb.s_writers_addr, 0x1200u);
  EXPECT_EQ(*sb.frozen, 4);
  EXPECT_TRUE(sb.mount_points.empty());
}

TEST(ObjectRecords, FileHoldersGroupedByConnectionAndContext) {
  std::vector<hs_file_hold> holds = {{812, HS_HOLD_FUSE_DEV, 43},
                                     {812, HS_HOLD_FUSE_DEV, 43},  // a second /dev/fuse fd
                                     {700, HS_HOLD_FUSE_DEV, 43},
                                     {900, HS_HOLD_FUSE_DEV, 44},
                                     {950, HS_HOLD_USERFAULTFD, 0xc000}};
  model::Snapshot snap;
  add_file_holders(holds, snap);
  ASSERT_EQ(snap.fuse_conns.size(), 2u);
  EXPECT_EQ(snap.fuse_conns[0].id, 43u);
  EXPECT_EQ(snap.fuse_conns[0].daemon_pids, (std::vector<int>{700, 812}));
  EXPECT_EQ(snap.fuse_conns[0].abort_path, "/sys/fs/fuse/connections/43/abort");
  EXPECT_EQ(snap.fuse_conns[1].daemon_pids, std::vector<int>{900});
  ASSERT_EQ(snap.userfaultfds.size(), 1u);
  EXPECT_EQ(snap.userfaultfds[0].ctx_addr, 0xc000u);
  EXPECT_EQ(snap.userfaultfds[0].handler_pids, std::vector<int>{950});
}

TEST(ObjectRecords, UserfaultfdWait) {
  model::Wait w = userfaultfd_wait(0xc000);
  EXPECT_EQ(w.kind, model::LockKind::userfaultfd);
  EXPECT_EQ(w.object_type, model::ObjectType::userfaultfd);
  EXPECT_EQ(*w.object_addr, 0xc000u);
  EXPECT_EQ(w.wait_function, "handle_userfault");
}

TEST(ObjectRecords, InodeCandidateNeedsAKnownSuperBlock) {
  auto f = full_record(10, "w", 0x2, 0xa10);
  f.cand_inode = 0x4000;
  f.cand_inode_sb = 0x1000;
  f.cand_inode_ino = 12;
  std::strncpy(f.cand_name, "data.bin", sizeof f.cand_name);
  auto inode = inode_of_lock(f, {0x1000}, 0x4070);
  ASSERT_TRUE(inode);
  EXPECT_EQ(inode->addr, 0x4000u);
  EXPECT_EQ(*inode->ino, 12u);
  EXPECT_EQ(*inode->sb_addr, 0x1000u);
  EXPECT_EQ(inode->name, "data.bin");
  EXPECT_EQ(*inode->i_rwsem_addr, 0x4070u);
  EXPECT_FALSE(inode_of_lock(f, {0x2000}, 0x4070));  // i_sb is no super_block: not an inode
}

TEST(ObjectRecords, MmOfLockListsItsProcesses) {
  auto a = full_record(10, "a", 0x2, 0xa10);
  a.b.mm_addr = 0x6000;
  a.mmap_lock_addr = 0x6080;
  std::vector<hs_task_full> fulls = {a};
  auto thread = brief_record(11, "a-thread", 0x1, 0xa11);
  thread.tgid = 10;
  thread.mm_addr = 0x6000;
  auto other = brief_record(12, "b", 0x1, 0xa12);
  other.mm_addr = 0x7000;
  std::vector<hs_task_brief> briefs = {a.b, thread, other};
  auto mm = mm_of_lock(fulls, briefs, 0x6080);
  ASSERT_TRUE(mm);
  EXPECT_EQ(mm->addr, 0x6000u);
  EXPECT_EQ(*mm->mmap_lock_addr, 0x6080u);
  EXPECT_EQ(mm->tgids, std::vector<int>{10});
  EXPECT_FALSE(mm_of_lock(fulls, briefs, 0x5000));
}

}  // namespace
}  // namespace hangscope::collect
