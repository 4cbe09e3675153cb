// task_struct.blocker words as include/linux/hung_task.h encodes them (type in the low two bits).
#include "kernel/blocker.h"

#include <gtest/gtest.h>

namespace hangscope::kernel {
namespace {

using model::LockKind;
using model::LockMode;

constexpr std::uint64_t kLock = 0xffff888012345670;

TEST(Blocker, DecodesEachType) {
  Blocker m = decode_blocker(kLock | 0);
  EXPECT_EQ(m.lock, kLock);
  EXPECT_EQ(m.kind, LockKind::mutex);
  EXPECT_EQ(m.mode, LockMode::exclusive);
  EXPECT_EQ(m.owner_field, OwnerField::mutex);
  Blocker s = decode_blocker(kLock | 1);
  EXPECT_EQ(s.kind, LockKind::semaphore);
  EXPECT_EQ(s.owner_field, OwnerField::semaphore);
  Blocker r = decode_blocker(kLock | 2);
  EXPECT_EQ(r.kind, LockKind::rwsem);
  EXPECT_EQ(r.mode, LockMode::read);
  EXPECT_EQ(r.owner_field, OwnerField::rwsem);
  Blocker w = decode_blocker(kLock | 3);
  EXPECT_EQ(w.lock, kLock);
  EXPECT_EQ(w.mode, LockMode::write);
  EXPECT_EQ(decode_blocker(0).lock, 0u);
}

TEST(Blocker, EncodeRoundTrips) {
  for (auto [kind, mode] : {std::pair{LockKind::mutex, LockMode::exclusive},
                            {LockKind::semaphore, LockMode::exclusive},
                            {LockKind::rwsem, LockMode::read},
                            {LockKind::rwsem, LockMode::write}}) {
    Blocker b = decode_blocker(encode_blocker(kLock, kind, mode));
    EXPECT_EQ(b.lock, kLock);
    EXPECT_EQ(b.kind, kind);
    EXPECT_EQ(b.mode, mode);
  }
  // An rwsem wanted in an unknown mode is taken as wanted for write, as the kernel's writer type.
  EXPECT_EQ(encode_blocker(kLock, LockKind::rwsem, LockMode::unknown), kLock | 3);
  EXPECT_EQ(encode_blocker(kLock, LockKind::percpu_rwsem, LockMode::read), 0u);
}

}  // namespace
}  // namespace hangscope::kernel
