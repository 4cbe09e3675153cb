#include "demo/seed_hang.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/mount.h>
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

}  // namespace

Result<std::unique_ptr<SeedHang>> SeedHang::start(SeedHangOptions options) {
  std::unique_ptr<SeedHang> hang(new SeedHang(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

SeedHang::~SeedHang() { cleanup(); }

std::string SeedHang::abort_path() const { return fuse_abort_path(connection_id_); }

void SeedHang::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status SeedHang::build() {
  const Millis timeout = options_.step_timeout;
  // A sync already stuck elsewhere means some super_block's s_umount is held: our sync would
  // block on that one first and never reach ours. Give such a hang (another test run's, say)
  // a bounded while to go away.
  if (Status s = wait_until_no_task_sleeps_in(
          {"super_lock", "iterate_supers", "__iterate_supers"}, timeout,
          "a new sync would block on that super_block's s_umount, not on the demo's mount (release "
          "that hang first)");
      !s) {
    return s;
  }
  auto scratch = make_scratch_mount("seed");
  if (!scratch) return scratch.error();
  dir_ = std::move(scratch->dir);
  mount_point_ = scratch->mount_point;
  auto loop = attach_sparse_image(dir_, "disk.img", 16ll << 20);
  if (!loop) return loop.error();
  loop_ = std::move(loop).value();
  step(fmt::format("loop device {} bound to {} (16 MiB, sparse)", loop_.path(),
                   dir_.join("disk.img")));

  // fusectl first: the emergency path (a signal handler) can only write to the abort knob.
  if (Status s = ensure_fusectl_mounted(); !s) return s;
  auto daemon = HangfsDaemon::start({options_.hangfs_binary, mount_point_, "f", loop_.path()});
  if (!daemon) return daemon.error();
  daemon_ = std::move(daemon).value();
  daemon_pid_ = daemon_.pid();
  major_ = daemon_.major();
  minor_ = daemon_.minor();
  connection_id_ = daemon_.connection_id();
  abort_slot_ = emergency::add_abort_knob(abort_path().c_str());
  step(fmt::format("fuseblk mounted on {} by hangfs pid {} (FUSE connection {})", mount_point_,
                   daemon_pid_, connection_id_));

  if (Status s = daemon_.stop(timeout); !s) return s;
  step(fmt::format("daemon hangfs pid {} stopped (SIGSTOP)", daemon_pid_));

  // umount2() directly: util-linux umount stat()s the mount point first and would block in
  // FUSE getattr, before taking s_umount.
  std::string mount_point = mount_point_;
  auto umount = ChildProcess::fork_run("umount", [mount_point]() -> int {
    struct sigaction sa {};
    sa.sa_handler = ignore_signal;  // a handler, not SIG_IGN: the signal must be delivered
    sigaction(SIGUSR1, &sa, nullptr);
    return ::umount2(mount_point.c_str(), 0) == 0 ? 0 : 1;
  });
  if (!umount) return umount.error();
  umount_ = std::move(umount).value();
  if (Status s = wait_for_task(umount_.pid(), {"SD", {"request_wait_answer"}}, timeout); !s) {
    return make_error("umount did not block in FUSE DESTROY: " + s.error().message);
  }
  step(fmt::format("umount pid {} blocked in FUSE DESTROY, holding s_umount of {} for write",
                   umount_.pid(), loop_.name()));
  if (options_.signal_umount) {
    umount_.signal(SIGUSR1);
    if (Status s = wait_for_task(umount_.pid(), {"D", {"request_wait_answer"}}, timeout); !s) {
      return make_error("umount did not switch to D after SIGUSR1: " + s.error().message);
    }
    step(fmt::format("umount pid {} got SIGUSR1: FUSE makes its wait uninterruptible (D)",
                     umount_.pid()));
  }

  auto sync = ChildProcess::fork_run("sync", []() -> int {
    ::sync();
    return 0;
  });
  if (!sync) return sync.error();
  sync_ = std::move(sync).value();
  if (Status s = wait_for_task(
          sync_.pid(), {"D", {"super_lock", "iterate_supers", "__iterate_supers"}}, timeout);
      !s) {
    return make_error("sync did not block on s_umount: " + s.error().message);
  }
  step(fmt::format("sync pid {} blocked in {}", sync_.pid(), read_task_wchan(sync_.pid())));
  return Unit{};
}

Status SeedHang::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  // sync goes on to write back every other filesystem once released: give it longer.
  const Millis sync_timeout(30000);
  if (connection_id_ != 0) {
    Status s = ensure_fusectl_mounted();
    if (s) s = abort_fuse_connection(connection_id_);
    errors.add(s);
  }
  emergency::remove(std::exchange(abort_slot_, -1));
  errors.add(daemon_.kill(reap_timeout));
  // The aborted DESTROY returns: umount finishes and releases s_umount, then sync goes on.
  if (umount_.running() && !umount_.wait(reap_timeout)) {
    errors.add(umount_.kill_and_reap(reap_timeout));
  }
  if (sync_.running() && !sync_.wait(sync_timeout)) errors.add(sync_.kill_and_reap(reap_timeout));
  if (!mount_point_.empty()) errors.add(unmount_if_mounted(mount_point_));
  errors.add(loop_.detach());
  errors.add(dir_.remove());
  Status result = errors.result();
  // Stay dirty (so the destructor retries) only while a child is left to reap.
  cleaned_ = !umount_.running() && !sync_.running();
  return result;
}

}  // namespace hangscope::demo
