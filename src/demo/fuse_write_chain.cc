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

std::string FuseWriteChain::abort_path() const { return fuse_abort_path(connection_id_); }

void FuseWriteChain::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status FuseWriteChain::build() {
  const Millis timeout = options_.step_timeout;
  auto scratch = make_scratch_mount("fusewrite");
  if (!scratch) return scratch.error();
  dir_ = std::move(scratch->dir);
  mount_point_ = scratch->mount_point;
  if (Status s = ensure_fusectl_mounted(); !s) return s;
  auto daemon = HangfsDaemon::start({options_.hangfs_binary, mount_point_, file_name_, ""});
  if (!daemon) return daemon.error();
  daemon_ = std::move(daemon).value();
  daemon_pid_ = daemon_.pid();
  connection_id_ = daemon_.connection_id();
  abort_slot_ = emergency::add_abort_knob(abort_path().c_str());
  step(fmt::format("FUSE mounted on {} by hangfs pid {} (connection {})", mount_point_, daemon_pid_,
                   connection_id_));

  std::string path = mount_point_ + "/" + file_name_;
  auto w1 = start_file_worker("writer1", path, true, write_page, timeout);
  if (!w1) return w1.error();
  writer1_ = std::move(w1).value();
  auto w2 = start_file_worker("writer2", path, false, write_page, timeout);
  if (!w2) return w2.error();
  writer2_ = std::move(w2).value();
  auto t3 = start_file_worker("trunc3", path, false, truncate_to_zero, timeout);
  if (!t3) return t3.error();
  trunc3_ = std::move(t3).value();
  step(fmt::format("writer1 {}, writer2 {}, trunc3 {} opened {}", writer1_.pid(), writer2_.pid(),
                   trunc3_.pid(), path));

  if (Status s = daemon_.stop(timeout); !s) return s;
  step(fmt::format("daemon hangfs pid {} stopped (SIGSTOP)", daemon_pid_));

  if (Status s = writer1_.go(); !s) return s;
  if (Status s = wait_for_task(writer1_.pid(), {"SD", {"request_wait_answer"}}, timeout); !s) {
    return make_error("writer1 did not wait for FUSE_WRITE: " + s.error().message);
  }
  step(fmt::format("writer1 pid {} waits for FUSE_WRITE, holding i_rwsem", writer1_.pid()));
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
  if (connection_id_ != 0) {
    Status s = ensure_fusectl_mounted();
    if (s) s = abort_fuse_connection(connection_id_);
    errors.add(s);
  }
  emergency::remove(std::exchange(abort_slot_, -1));
  errors.add(daemon_.kill(reap_timeout));
  for (Worker* w : {&writer1_, &writer2_, &trunc3_}) {
    if (w->process().running()) errors.add(w->process().kill_and_reap(reap_timeout));
  }
  if (!mount_point_.empty()) errors.add(unmount_if_mounted(mount_point_));
  errors.add(dir_.remove());
  cleaned_ = !writer1_.process().running() && !writer2_.process().running() &&
             !trunc3_.process().running();
  return errors.result();
}

}  // namespace hangscope::demo
