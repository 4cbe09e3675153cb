#include "kernel/task_state.h"

#include "bpf/task_state_bits.h"

namespace hangscope::kernel {

model::TaskState task_state_from_kernel(std::uint32_t state, std::uint32_t exit_state) {
  using S = model::TaskState;
  if (exit_state & HS_EXIT_ZOMBIE) return S::zombie;
  if (exit_state & HS_EXIT_DEAD) return S::dead;
  if ((state & HS_TASK_IDLE) == HS_TASK_IDLE) return S::idle;
  if (state & HS_TASK_UNINTERRUPTIBLE) return S::disk_sleep;
  if (state & HS___TASK_STOPPED) return S::stopped;
  if (state & HS___TASK_TRACED) return S::traced;
  if (state & HS_TASK_INTERRUPTIBLE) return S::sleeping;
  if (state == HS_TASK_RUNNING) return S::running;
  return S::unknown;
}

bool task_blocked(std::uint32_t state) { return hs_task_blocked(state) != 0; }

}  // namespace hangscope::kernel
