#include "kernel/blocker.h"

#include "bpf/lock_word_bits.h"

namespace hangscope::kernel {

using model::LockKind;
using model::LockMode;

Blocker decode_blocker(std::uint64_t word) {
  Blocker b;
  std::uint64_t type = word & HS_BLOCKER_TYPE_MASK;
  b.lock = word & ~HS_BLOCKER_TYPE_MASK;
  b.owner_field = static_cast<OwnerField>(hs_blocker_owner_kind(type));
  if (type == HS_BLOCKER_MUTEX) {
    b.kind = LockKind::mutex;
  } else if (type == HS_BLOCKER_SEM) {
    b.kind = LockKind::semaphore;
  } else {
    b.kind = LockKind::rwsem;
    b.mode = type == HS_BLOCKER_RWSEM_READER ? LockMode::read : LockMode::write;
  }
  return b;
}

std::uint64_t encode_blocker(std::uint64_t lock, LockKind kind, LockMode mode) {
  switch (kind) {
    case LockKind::mutex:
      return lock | HS_BLOCKER_MUTEX;
    case LockKind::semaphore:
      return lock | HS_BLOCKER_SEM;
    case LockKind::rwsem:
      return lock | (mode == LockMode::read ? HS_BLOCKER_RWSEM_READER : HS_BLOCKER_RWSEM_WRITER);
    default:
      return 0;
  }
}

}  // namespace hangscope::kernel
