// PtraceStop: a tracer process that attaches to a task and leaves it in a ptrace stop, as a
// debugger sitting at a breakpoint does. The tracee shows `t` (TASK_TRACED) in /proc/PID/stat and
// the tracer's pid as TracerPid in /proc/PID/status; the tracer sleeps in waitpid (S, do_wait).
// Ending the tracer detaches the tracee, which then runs on.
#pragma once

#include <sys/types.h>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/deadline.h"

namespace hangscope::demo {

/// A tracer holding one tracee in a ptrace stop. Movable; the destructor ends the tracer.
class PtraceStop {
 public:
  /// Forks the tracer (comm "tracer"), which attaches with PTRACE_SEIZE, stops the tracee with
  /// PTRACE_INTERRUPT and waits for that stop; then waits until /proc shows the tracee in `t`.
  /// Needs CAP_SYS_PTRACE over the tracee (root). Fails with the step's error (e.g. EPERM).
  static Result<PtraceStop> start(pid_t tracee, Millis timeout);

  pid_t tracer_pid() const { return tracer_.pid(); }
  pid_t tracee_pid() const { return tracee_; }

  /// Kills and reaps the tracer (the kernel detaches the tracee, which resumes). Idempotent.
  Status end(Millis timeout);

 private:
  Worker tracer_;
  pid_t tracee_ = -1;
};

/// TracerPid from /proc/PID/status (0 when untraced); fails when the task is gone.
Result<pid_t> read_tracer_pid(pid_t pid);

}  // namespace hangscope::demo
