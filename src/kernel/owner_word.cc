#include "kernel/owner_word.h"

#include "bpf/lock_word_bits.h"

namespace hangscope::kernel {

static_assert(static_cast<std::uint32_t>(OwnerField::none) == HS_OWNER_NONE);
static_assert(static_cast<std::uint32_t>(OwnerField::mutex) == HS_OWNER_MUTEX);
static_assert(static_cast<std::uint32_t>(OwnerField::rwsem) == HS_OWNER_RWSEM);
static_assert(static_cast<std::uint32_t>(OwnerField::rt_mutex) == HS_OWNER_RT);
static_assert(static_cast<std::uint32_t>(OwnerField::semaphore) == HS_OWNER_SEM);

std::uint64_t owner_task(std::uint64_t word, OwnerField field) {
  return hs_owner_task(word, static_cast<std::uint32_t>(field));
}

bool mutex_has_waiters(std::uint64_t owner_word) {
  return (owner_word & HS_MUTEX_FLAG_WAITERS) != 0;
}

RwsemWords decode_rwsem(std::uint64_t owner_word, std::int64_t count) {
  RwsemWords w;
  w.owner = owner_task(owner_word, OwnerField::rwsem);
  w.writer_locked = (count & HS_RWSEM_WRITER_LOCKED) != 0;
  w.reader_owned = (owner_word & HS_RWSEM_READER_OWNED) && !w.writer_locked;
  w.readers = count >> HS_RWSEM_READER_SHIFT;
  w.has_waiters = (count & HS_RWSEM_FLAG_WAITERS) != 0;
  if (w.reader_owned && w.readers == 0) w.owner = 0;
  return w;
}

}  // namespace hangscope::kernel
