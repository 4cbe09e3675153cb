#include "demo/fuse_write_chain.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "demo/emergency.h"
#include "demo/fuse_control.h"
#include "demo/mountinfo.h"
#include "demo/proc_task.h"

namespace hangscope::demo {
namespace {

void ignore_signal(int) {}

/// A worker that opens `path` for writing while the daemon still answers (optionally writing
/// one byte, so the kernel learns that getxattr is ENOSYS), then runs `op` on the fd after go().
Result<Worker> start_file_worker(const char* comm, const std::string& path, bool prime,
                                 int (*op)(int fd), Millis timeout) {
  auto fd = std::make_shared<int>(-1);
  return Worker::start(
      comm,
      [path, prime, fd]() -> long {
        struct sigaction sa {};
        sa.sa_handler = ignore_signal;
        sigaction(SIGUSR1, &sa, nullptr);
        *fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (*fd < 0) return -errno;
        if (prime && ::pwrite(*fd, "x", 1, 0) != 1) return -errno;
        return 0;
      },
      [fd, op]() -> int { return op(*fd); }, timeout);
}

int write_page(int fd) {
  static char page[4096];
  return ::write(fd, page, sizeof(page)) == sizeof(page) ? 0 : 1;
}

int truncate_to_zero(int fd) { return ::ftruncate(fd, 0) == 0 ? 0 : 1; }

}  // namespace

Result<std::unique_ptr<FuseWriteChain>> FuseWriteChain::start(FuseWriteChainOptions options) {
  std::unique_ptr<FuseWriteChain> hang(new FuseWriteChain(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

FuseWriteChain::~FuseWriteChain() { cleanup(); }

std::string FuseWriteChain::abort_path() const { return fuse_abort_path(stage_.connection_id()); }

void FuseWriteChain::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status FuseWriteChain::build() {
  const Millis timeout = options_.step_timeout;
  const DaemonHalt halt = options_.halt;
  if (Status s =
          stage_.start("fusewrite", options_.hangfs_binary, file_name_, hangfs_args_for(halt));
      !s) {
    return s;
  }
  const pid_t daemon_pid = stage_.daemon_pid();
  Guardian& guardian = stage_.guardian();
  step(fmt::format("FUSE mounted on {} by hangfs pid {} (connection {})", mount_point(), daemon_pid,
                   connection_id()));

  // A daemon that halts on a WRITE (spins, deadlocks) must not see one before writer1's; the
  // others learn from a first write, while they answer, that xattrs are unsupported (else
  // writer1 would wait for GETXATTR instead of WRITE).
  const bool prime = !halts_on_write(halt);
  std::string path = stage_.path_of(file_name_);
  auto w1 = start_file_worker("writer1", path, prime, write_page, timeout);
  if (!w1) return w1.error();
  writer1_ = std::move(w1).value();
  auto w2 = start_file_worker("writer2", path, false, write_page, timeout);
  if (!w2) return w2.error();
  writer2_ = std::move(w2).value();
  auto t3 = start_file_worker("trunc3", path, false, truncate_to_zero, timeout);
  if (!t3) return t3.error();
  trunc3_ = std::move(t3).value();
  for (Worker* w : {&writer1_, &writer2_, &trunc3_}) {
    if (Status s = guardian.on_death_kill(w->pid()); !s) return s;
  }
  step(fmt::format("writer1 {}, writer2 {}, trunc3 {} opened {}", writer1_.pid(), writer2_.pid(),
                   trunc3_.pid(), path));

  auto hold = stage_.halt_daemon(halt, timeout, options_.on_step);
  if (!hold) return hold.error();
  hold_ = std::move(hold).value();

  if (Status s = writer1_.go(); !s) return s;
  if (Status s = wait_for_task(writer1_.pid(), {"SD", {"request_wait_answer"}}, timeout); !s) {
    return make_error("writer1 did not wait for FUSE_WRITE: " + s.error().message);
  }
  step(fmt::format("writer1 pid {} waits for FUSE_WRITE, holding i_rwsem", writer1_.pid()));
  if (halt == DaemonHalt::kSelfWrite) {
    if (Status s = wait_for_task(daemon_pid, {"D", {"fuse_file_write_iter"}}, timeout); !s) {
      return make_error("hangfs did not block on its own file's i_rwsem: " + s.error().message);
    }
    step(fmt::format("daemon hangfs pid {} writes to its own file: blocked on i_rwsem (deadlock)",
                     daemon_pid));
  } else if (halts_on_write(halt)) {
    if (Status s = wait_for_task(daemon_pid, {"R", {}}, timeout); !s) {
      return make_error("hangfs did not spin on the WRITE: " + s.error().message);
    }
    step(fmt::format("daemon hangfs pid {} spins on the WRITE ({})", daemon_pid,
                     daemon_halt_name(halt)));
  }
  if (Status s = writer2_.go(); !s) return s;
  if (Status s = wait_for_task(writer2_.pid(), {"D", {"fuse_file_write_iter"}}, timeout); !s) {
    return make_error("writer2 did not block on i_rwsem: " + s.error().message);
  }
  if (Status s = trunc3_.go(); !s) return s;
  if (Status s = wait_for_task(trunc3_.pid(), {"D", {"do_truncate"}}, timeout); !s) {
    return make_error("trunc3 did not block on i_rwsem: " + s.error().message);
  }
  step(fmt::format("writer2 pid {} and trunc3 pid {} blocked on i_rwsem", writer2_.pid(),
                   trunc3_.pid()));
  if (options_.signal_writer1) {
    writer1_.process().signal(SIGUSR1);
    if (Status s = wait_for_task(writer1_.pid(), {"D", {"request_wait_answer"}}, timeout); !s) {
      return make_error("writer1 did not switch to D after SIGUSR1: " + s.error().message);
    }
    step(fmt::format("writer1 pid {} got SIGUSR1: now D", writer1_.pid()));
  }
  return Unit{};
}

Status FuseWriteChain::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  errors.add(stage_.abort_connection());
  if (hold_) errors.add(hold_->release(reap_timeout));
  for (Worker* w : {&writer1_, &writer2_, &trunc3_}) {
    if (w->process().running()) errors.add(w->process().kill_and_reap(reap_timeout));
  }
  cleaned_ = !writer1_.process().running() && !writer2_.process().running() &&
             !trunc3_.process().running();
  errors.add(stage_.daemon().kill(reap_timeout));
  if (hold_) errors.add(hold_->remove(reap_timeout));
  errors.add(stage_.finish(reap_timeout, cleaned_));
  return errors.result();
}

}  // namespace hangscope::demo
