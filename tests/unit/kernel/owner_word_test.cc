// Owner words as the kernel writes them (kernel/locking/mutex.c, rwsem.c, rtmutex_common.h). The
// words are built from raw numbers, not the shared constants, so a wrong constant fails here.
#include "kernel/owner_word.h"

#include <gtest/gtest.h>

namespace hangscope::kernel {
namespace {

constexpr std::uint64_t kTask = 0xffff888004a3c000;  // a task_struct address (cache aligned)

TEST(OwnerWord, EachFieldClearsItsOwnFlagBits) {
  EXPECT_EQ(owner_task(kTask | 0x7, OwnerField::mutex), kTask);        // WAITERS|HANDOFF|PICKUP
  EXPECT_EQ(owner_task(kTask | 0x3, OwnerField::rwsem), kTask);        // READER_OWNED|NONSPINNABLE
  EXPECT_EQ(owner_task(kTask | 0x1, OwnerField::rt_mutex), kTask);     // RT_MUTEX_HAS_WAITERS
  EXPECT_EQ(owner_task(kTask, OwnerField::semaphore), kTask);          // last_holder: no flags
  EXPECT_EQ(owner_task(0x7, OwnerField::mutex), 0u);                   // flags only: no owner
  EXPECT_EQ(owner_task(kTask | 0x4, OwnerField::rwsem), kTask | 0x4);  // bit 2 is no rwsem flag
}

TEST(OwnerWord, MutexWaitersFlag) {
  EXPECT_TRUE(mutex_has_waiters(kTask | 0x1));
  EXPECT_FALSE(mutex_has_waiters(kTask | 0x2));
}

TEST(OwnerWord, WriterOwnedRwsem) {
  RwsemWords w = decode_rwsem(kTask, 0x1 | 0x2);  // RWSEM_WRITER_LOCKED, FLAG_WAITERS
  EXPECT_EQ(w.owner, kTask);
  EXPECT_TRUE(w.writer_locked);
  EXPECT_FALSE(w.reader_owned);
  EXPECT_TRUE(w.has_waiters);
  EXPECT_EQ(w.readers, 0);
}

TEST(OwnerWord, ReaderOwnedRwsemKeepsTheLastReader) {
  RwsemWords w = decode_rwsem(kTask | 0x1, 2 << 8);  // two readers by count
  EXPECT_EQ(w.owner, kTask);
  EXPECT_TRUE(w.reader_owned);
  EXPECT_FALSE(w.writer_locked);
  EXPECT_EQ(w.readers, 2);
}

TEST(OwnerWord, LeftoverReaderBitIsNoOwner) {
  RwsemWords w = decode_rwsem(kTask | 0x1 | 0x2, 0x2);  // readers gone, a writer waits
  EXPECT_TRUE(w.reader_owned);
  EXPECT_EQ(w.owner, 0u);
  EXPECT_TRUE(w.has_waiters);
}

TEST(OwnerWord, WriterBitWinsOverAStaleReaderBit) {
  RwsemWords w = decode_rwsem(kTask | 0x1, 0x1);
  EXPECT_FALSE(w.reader_owned);
  EXPECT_EQ(w.owner, kTask);
}

}  // namespace
}  // namespace hangscope::kernel
