// task_struct.blocker (6.16+, include/linux/hung_task.h): the lock a task waits for, as the lock's
// address with its type in the low bits. The encoding is shared with the BPF programs through
// bpf/lock_word_bits.h. User space also builds such words for locks recovered from waiter records.
#pragma once

#include <cstdint>

#include "kernel/owner_word.h"
#include "model/snapshot.h"

namespace hangscope::kernel {

/// A blocker word, decoded.
struct Blocker {
  std::uint64_t lock = 0;                             ///< the lock's address; 0 when none
  model::LockKind kind = model::LockKind::mutex;      ///< mutex, semaphore or rwsem
  model::LockMode mode = model::LockMode::exclusive;  ///< read/write for an rwsem
  OwnerField owner_field = OwnerField::mutex;         ///< where that lock keeps its owner
};

/// Decodes `word`. Every type value names a lock kind; `lock` is 0 for an empty word.
Blocker decode_blocker(std::uint64_t word);

/// The blocker word for a `kind` lock at `lock` wanted in `mode` (an rwsem wanted for read gets
/// the reader type, any other mode the writer type). 0 for kinds a blocker cannot name.
std::uint64_t encode_blocker(std::uint64_t lock, model::LockKind kind, model::LockMode mode);

}  // namespace hangscope::kernel
