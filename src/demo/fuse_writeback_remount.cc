#include "demo/fuse_writeback_remount.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "demo/proc_task.h"

namespace hangscope::demo {
namespace {

/// Where a task sleeping in pause() sleeps, across kernel versions.
const std::vector<std::string_view> kPauseWchans = {"__do_sys_pause", "__x64_sys_pause",
                                                    "sys_pause"};

/// What sync() waits in for a super_block's s_umount (6.18: super_lock; older: iterate_supers).
const std::vector<std::string_view> kSuperLockWchans = {"super_lock", "iterate_supers",
                                                        "__iterate_supers"};

}  // namespace

Result<std::unique_ptr<FuseWritebackRemount>> FuseWritebackRemount::start(
    FuseWritebackRemountOptions options) {
  std::unique_ptr<FuseWritebackRemount> hang(new FuseWritebackRemount(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

FuseWritebackRemount::~FuseWritebackRemount() { cleanup(); }

void FuseWritebackRemount::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status FuseWritebackRemount::build() {
  const Millis timeout = options_.step_timeout;
  if (halts_on_write(options_.halt)) {
    return make_error(
        fmt::format("writeback remount: halt {} is not supported (use one that "
                    "stops the daemon before the writeback)",
                    daemon_halt_name(options_.halt)));
  }
  if (options_.with_sync) {
    if (Status s = wait_until_no_task_sleeps_in(
            kSuperLockWchans, timeout,
            "a new sync would block on that super_block's s_umount, not on this fixture's");
        !s) {
      return s;
    }
  }
  if (Status s = stage_.start("wbremount", options_.hangfs_binary, "f", {"--writeback-cache"});
      !s) {
    return s;
  }
  step(fmt::format("FUSE (writeback cache) mounted on {} by hangfs pid {} (connection {})",
                   mount_point(), daemon_pid(), connection_id()));

  // The dirtier opens the file and syncs one byte while the daemon answers (so the kernel has
  // learnt that xattrs are unsupported) and sets its times to 1970, then, after go(), dirties 16
  // pages beyond the end of the file (no read needed, no request sent) and sleeps holding the
  // file open: FUSE writes back only through an open writable file. The old mtime makes the
  // write dirty the inode's times too, which the flusher writes back with a synchronous SETATTR:
  // that is what waits for the daemon. (Data alone goes out as background WRITEs nobody waits
  // for: remount's sync_filesystem then returns, seen on 6.18 when the write fell in the same
  // clock tick as the earlier one and left the times clean.)
  std::string path = stage_.path_of("f");
  auto fd = std::make_shared<int>(-1);
  auto dirtier = Worker::start(
      "dirtier",
      [path, fd]() -> long {
        *fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        const timespec epoch[2] = {{0, 0}, {0, 0}};
        if (*fd < 0 || ::pwrite(*fd, "x", 1, 0) != 1 || ::fsync(*fd) != 0 ||
            ::futimens(*fd, epoch) != 0) {
          return -errno;
        }
        return 0;
      },
      [fd]() -> int {
        static char pages[16 * 4096];
        if (::pwrite(*fd, pages, sizeof(pages), 4096) != static_cast<ssize_t>(sizeof(pages))) {
          return 1;
        }
        for (;;) ::pause();
      },
      timeout);
  if (!dirtier) return dirtier.error();
  dirtier_ = std::move(dirtier).value();
  if (Status s = stage_.guardian().on_death_kill(dirtier_.pid()); !s) return s;

  auto hold = stage_.halt_daemon(options_.halt, timeout, options_.on_step);
  if (!hold) return hold.error();
  hold_ = std::move(hold).value();

  if (Status s = dirtier_.go(); !s) return s;
  if (Status s = wait_for_task(dirtier_.pid(), {"S", kPauseWchans}, timeout); !s) {
    return make_error("the dirtier did not dirty its pages: " + s.error().message);
  }
  step(fmt::format("dirtier pid {} left 64 KiB dirty in {}", dirtier_.pid(), path));
  return block_remount_and_sync();
}

Status FuseWritebackRemount::block_remount_and_sync() {
  const Millis timeout = options_.step_timeout;
  // mount(2) directly: util-linux mount would stat the mount point and wait in FUSE getattr.
  std::string mp = mount_point();
  auto remount = ChildProcess::fork_run("remount", [mp]() -> int {
    unsigned long flags = MS_REMOUNT | MS_NOSUID | MS_NODEV;
    return ::mount(nullptr, mp.c_str(), nullptr, flags, nullptr) == 0 ? 0 : 100 + errno;
  });
  if (!remount) return remount.error();
  remount_ = std::move(remount).value();
  if (Status s = stage_.guardian().on_death_kill(remount_.pid()); !s) return s;
  if (Status s = wait_for_task(remount_.pid(), {"D", {"wb_wait_for_completion"}}, timeout); !s) {
    auto status = remount_.wait(Millis(0));
    int code = status && WIFEXITED(*status) ? WEXITSTATUS(*status) : 0;
    return make_error(fmt::format("remount did not wait for writeback: {}{}", s.error().message,
                                  code > 100
                                      ? fmt::format(" (mount: {})", std::strerror(code - 100))
                                  : code == 0 && status ? " (it succeeded: nothing to write back)"
                                                        : ""));
  }
  // The flusher of the FUSE bdi ("flush-MAJ:MIN") is what waits for the daemon.
  std::string flush = fmt::format("flush-{}:{}", dev_major(), dev_minor());
  auto flusher = wait_for_kernel_worker(flush, {"request_wait_answer"}, timeout);
  if (!flusher) return flusher.error();
  flusher_pid_ = *flusher;
  step(
      fmt::format("remount pid {} holds s_umount and waits in wb_wait_for_completion; flusher "
                  "pid {} waits for the daemon",
                  remount_.pid(), flusher_pid_));
  if (!options_.with_sync) return Unit{};

  auto sync = ChildProcess::fork_run("sync", []() -> int {
    ::sync();
    return 0;
  });
  if (!sync) return sync.error();
  sync_ = std::move(sync).value();
  if (Status s = stage_.guardian().on_death_kill(sync_.pid()); !s) return s;
  if (Status s = wait_for_task(sync_.pid(), {"D", kSuperLockWchans}, timeout); !s) {
    return make_error("sync did not block on s_umount: " + s.error().message);
  }
  step(fmt::format("sync pid {} blocked in {}", sync_.pid(), read_task_wchan(sync_.pid())));
  return Unit{};
}

Status FuseWritebackRemount::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  // sync goes on to write back every other filesystem once released: give it longer.
  const Millis sync_timeout(30000);
  errors.add(stage_.abort_connection());
  if (hold_) errors.add(hold_->release(reap_timeout));
  // The aborted requests fail the writeback: remount returns and releases s_umount.
  if (remount_.running() && !remount_.wait(reap_timeout)) {
    errors.add(remount_.kill_and_reap(reap_timeout));
  }
  if (sync_.running() && !sync_.wait(sync_timeout)) errors.add(sync_.kill_and_reap(reap_timeout));
  if (dirtier_.process().running()) errors.add(dirtier_.process().kill_and_reap(reap_timeout));
  cleaned_ = !remount_.running() && !sync_.running() && !dirtier_.process().running();
  errors.add(stage_.daemon().kill(reap_timeout));
  if (hold_) errors.add(hold_->remove(reap_timeout));
  errors.add(stage_.finish(reap_timeout, cleaned_));
  return errors.result();
}

}  // namespace hangscope::demo
