// Child processes the fixtures fork: always reaped with a bounded wait, killed when their parent
// dies (PR_SET_PDEATHSIG), and named (PR_SET_NAME) so a diagnosis reads like the real thing.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "demo/deadline.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

/// A forked child that this process must reap. Movable, not copyable. The destructor SIGKILLs
/// and reaps it (bounded: 5 s); a child stuck in D survives that and is reported by cleanup code.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  /// Forks a child named `comm` (at most 15 bytes kept) that runs `body` and _exits with its
  /// return value. In the child every descriptor >= 3 except `keep_fds` is closed first, so it
  /// holds nothing of other fixtures (a stray fd would keep a mount busy). The parent must be
  /// single-threaded (the child runs arbitrary code).
  static Result<ChildProcess> fork_run(std::string_view comm, const std::function<int()>& body,
                                       std::vector<int> keep_fds = {});

  /// Forks and execs `argv` (PATH search), stdin from /dev/null. When `pass_fd` >= 0 it is
  /// duplicated onto fd 3 in the child; every other descriptor >= 3 is closed at exec. Fails when
  /// fork or exec fails (exec errno reported).
  static Result<ChildProcess> spawn(const std::vector<std::string>& argv, int pass_fd = -1);

  pid_t pid() const { return pid_; }
  /// True while the child has not been reaped yet.
  bool running() const { return pid_ > 0 && !reaped_; }
  /// The raw wait status once reaped.
  int wait_status() const { return status_; }

  /// kill(pid, sig); no-op once reaped.
  void signal(int sig) const;

  /// Waits up to `timeout` for the child to exit and reaps it. Returns its wait status; fails
  /// when it is still running at the deadline.
  Result<int> wait(Millis timeout);

  /// SIGCONT + SIGKILL, then waits up to `timeout`. Fails (naming its state and wchan) when
  /// the child is still alive, i.e. stuck in an uninterruptible sleep. Idempotent.
  Status kill_and_reap(Millis timeout);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

/// A child that first prepares (opens a file, registers a userfaultfd...) while everything still
/// works, reports a value, then waits for go() before doing the one thing that will block.
class Worker {
 public:
  /// `prepare` returns a value >= 0 to report (e.g. a pid) or -errno; `act` returns the exit
  /// code. Fails when the child cannot be forked, `prepare` fails, or it does not report within
  /// `timeout`.
  static Result<Worker> start(std::string_view comm, const std::function<long()>& prepare,
                              const std::function<int()>& act, Millis timeout);

  /// Lets the child run `act`. Fails when the child has gone away.
  Status go();

  pid_t pid() const { return process_.pid(); }
  /// The value `prepare` reported.
  long prepared() const { return prepared_; }
  ChildProcess& process() { return process_; }

 private:
  ChildProcess process_;
  UniqueFd go_fd_;
  long prepared_ = 0;
};

/// Reads exactly `size` bytes from `fd` within `timeout`; fails on EOF, error or timeout.
Status read_exact(int fd, void* buf, size_t size, Millis timeout, std::string_view what);

}  // namespace hangscope::demo
