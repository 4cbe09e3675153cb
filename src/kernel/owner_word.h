// Lock owner words as the kernel stores them (mutex.owner, rw_semaphore.owner and .count,
// rt_mutex_base.owner, semaphore.last_holder). The layouts are shared with the BPF programs through
// bpf/lock_word_bits.h, whose hs_owner_task() both sides use.
#pragma once

#include <cstdint>

namespace hangscope::kernel {

/// The lock field an owner word was read from (HS_OWNER_* in bpf/lock_word_bits.h).
enum class OwnerField : std::uint32_t {
  none = 0,
  mutex = 1,
  rwsem = 2,
  rt_mutex = 3,
  semaphore = 4
};

/// The task_struct address in `word` with the flag bits of `field` cleared; 0 when none.
std::uint64_t owner_task(std::uint64_t word, OwnerField field);

/// True when a mutex.owner word has MUTEX_FLAG_WAITERS (the mutex has a non-empty wait list).
bool mutex_has_waiters(std::uint64_t owner_word);

/// An rw_semaphore's owner and count words, decoded (kernel/locking/rwsem.c).
struct RwsemWords {
  /// The writer, or the last reader of a reader-owned rwsem (flags cleared); 0 when nobody holds
  /// it, including a reader-owned word whose count has no reader (a leftover RWSEM_READER_OWNED).
  std::uint64_t owner = 0;
  bool writer_locked = false;  ///< count has RWSEM_WRITER_LOCKED
  bool reader_owned = false;   ///< RWSEM_READER_OWNED and no writer: `owner` may be stale
  std::int64_t readers = 0;    ///< readers by count (count >> RWSEM_READER_SHIFT)
  bool has_waiters = false;    ///< count has RWSEM_FLAG_WAITERS
};

/// Decodes an rw_semaphore's `owner` and `count` words as read at the same moment.
RwsemWords decode_rwsem(std::uint64_t owner_word, std::int64_t count);

}  // namespace hangscope::kernel
