#include "watch/samples.h"

namespace hangscope::watch {

namespace {
// include/trace/events/lock.h
constexpr std::uint32_t kSpin = 1u << 0, kRead = 1u << 1, kWrite = 1u << 2, kRt = 1u << 3,
                        kPercpu = 1u << 4, kMutex = 1u << 5;
}  // namespace

std::string_view lock_kind_name(std::uint32_t flags) {
  if (flags & kMutex) return "mutex";
  if (flags & kRt) return "rt_mutex";
  if (flags & kPercpu) return "percpu_rwsem";
  if (flags & kSpin) return flags & (kRead | kWrite) ? "rwlock" : "spinlock";
  if (flags & (kRead | kWrite)) return "rwsem";
  return "semaphore";
}

std::string_view lock_mode_name(std::uint32_t flags) {
  if (flags & kRead) return "read";
  if (flags & kWrite) return "write";
  return "exclusive";
}

}  // namespace hangscope::watch
