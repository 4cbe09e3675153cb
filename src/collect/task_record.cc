#include "collect/task_record.h"

#include <cstring>

#include "kernel/task_state.h"

namespace hangscope::collect {

model::Task task_from_record(const hs_task_full& f, const Kallsyms& syms) {
  model::Task t;
  t.pid = static_cast<int>(f.b.pid);
  t.tgid = static_cast<int>(f.b.tgid);
  t.comm = std::string(f.b.comm, strnlen(f.b.comm, sizeof f.b.comm));
  t.state = kernel::task_state_from_kernel(f.b.state, f.b.exit_state);
  if (f.since_ran_ns) t.stuck_seconds = static_cast<double>(f.since_ran_ns) / 1e9;
  t.task_addr = f.b.task_addr;
  if (f.b.mm_addr) t.mm_addr = f.b.mm_addr;
  for (__u32 i = 0; i < f.b.nr_frames && i < HS_STACK_DEPTH; ++i) {
    t.stack.push_back(syms.empty() ? model::StackFrame{f.stack[i], "", 0, "", true}
                                   : syms.symbolize(f.stack[i]));
  }
  if (t.state == model::TaskState::stopped) t.stop_reason = "SIGSTOP";
  if (t.state == model::TaskState::traced) t.stop_reason = "ptrace";
  return t;
}

}  // namespace hangscope::collect
