#include "demo/ptrace_stop.h"

#include <fmt/format.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "demo/proc_task.h"
#include "demo/text_file.h"

namespace hangscope::demo {

Result<PtraceStop> PtraceStop::start(pid_t tracee, Millis timeout) {
  auto tracer = Worker::start(
      "tracer",
      [tracee]() -> long {
        if (::ptrace(PTRACE_SEIZE, tracee, nullptr, nullptr) != 0) return -errno;
        if (::ptrace(PTRACE_INTERRUPT, tracee, nullptr, nullptr) != 0) return -errno;
        int status = 0;
        if (::waitpid(tracee, &status, __WALL) != tracee) return -errno;
        return 0;
      },
      [tracee]() -> int {
        // Like a debugger waiting for its next event, which never comes: the tracee is not
        // resumed. Ends when the fixture kills the tracer.
        for (;;) {
          int status = 0;
          if (::waitpid(tracee, &status, __WALL) < 0 && errno != EINTR) return 0;
        }
      },
      timeout);
  if (!tracer) return make_error("ptrace stop: " + tracer.error().message);
  PtraceStop p;
  p.tracer_ = std::move(tracer).value();
  p.tracee_ = tracee;
  if (Status s = p.tracer_.go(); !s) return s.error();
  if (Status s = wait_for_task(tracee, {"t", {}}, timeout); !s) {
    return make_error("ptrace stop: the tracee did not stop: " + s.error().message);
  }
  return p;
}

Status PtraceStop::end(Millis timeout) {
  if (!tracer_.process().running()) return Unit{};
  return tracer_.process().kill_and_reap(timeout);
}

Result<pid_t> read_tracer_pid(pid_t pid) {
  auto text = read_text_file(fmt::format("/proc/{}/status", pid));
  if (!text) return text.error();
  auto at = text->find("\nTracerPid:");
  if (at == std::string::npos)
    return make_error(fmt::format("/proc/{}/status has no TracerPid", pid));
  return static_cast<pid_t>(std::strtol(text->c_str() + at + 11, nullptr, 10));
}

}  // namespace hangscope::demo
