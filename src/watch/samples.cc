#include "watch/samples.h"

#include <linux/types.h>

#include "watch.h"

namespace hangscope::watch {

std::string_view lock_kind_name(std::uint32_t flags) {
  if (flags & HSW_LCB_F_MUTEX) return "mutex";
  if (flags & HSW_LCB_F_RT) return "rt_mutex";
  if (flags & HSW_LCB_F_PERCPU) return "percpu_rwsem";
  if (flags & HSW_LCB_F_SPIN)
    return flags & (HSW_LCB_F_READ | HSW_LCB_F_WRITE) ? "rwlock" : "spinlock";
  if (flags & (HSW_LCB_F_READ | HSW_LCB_F_WRITE)) return "rwsem";
  return "semaphore";
}

std::string_view lock_mode_name(std::uint32_t flags) {
  if (flags & HSW_LCB_F_READ) return "read";
  if (flags & HSW_LCB_F_WRITE) return "write";
  return "exclusive";
}

}  // namespace hangscope::watch
