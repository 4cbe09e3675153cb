#include "demo/loop_on_fuse.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "demo/mountinfo.h"
#include "demo/proc_task.h"

namespace hangscope::demo {

Result<std::unique_ptr<LoopOnFuse>> LoopOnFuse::start(LoopOnFuseOptions options) {
  std::unique_ptr<LoopOnFuse> hang(new LoopOnFuse(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

LoopOnFuse::~LoopOnFuse() { cleanup(); }

void LoopOnFuse::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status LoopOnFuse::make_image() {
  // The tree mkfs.ext4 copies in: a directory whose block the reader's lookup will need.
  TempDir& dir = stage_.dir();
  auto tree = dir.make_subdir("tree");
  if (!tree) return tree.error();
  auto sub = dir.make_subdir("tree/d");
  if (!sub) return sub.error();
  if (Status s = create_sparse_file(dir.track_file("tree/d/x"), 0); !s) return s;

  backing_file_ = stage_.path_of("disk.img");
  if (Status s = create_sparse_file(backing_file_, 32ll << 20); !s) return s;
  auto loop = LoopDevice::attach(backing_file_);
  if (!loop) return loop.error();
  loop_ = std::move(loop).value();
  if (Status s = make_ext4(loop_.path(), *tree, options_.step_timeout); !s) return s;
  step(fmt::format("ext4 made on {} (backing file {})", loop_.path(), backing_file_));

  // Forget every cached block, in the loop device and in the FUSE file under it, so that the
  // reader's lookup has to reach the daemon.
  if (Status s = loop_.flush_buffers(); !s) return s;
  return stage_.drop_page_cache("disk.img");
}

Status LoopOnFuse::build() {
  const Millis timeout = options_.step_timeout;
  if (halts_on_write(options_.halt)) {
    return make_error(fmt::format("loop on FUSE: halt {} needs a FUSE write; use another halt",
                                  daemon_halt_name(options_.halt)));
  }
  if (Status s = stage_.start("loopfuse", options_.hangfs_binary, "disk.img", {}); !s) return s;
  auto ext4 = stage_.dir().make_subdir("ext4");
  if (!ext4) return ext4.error();
  ext4_mount_ = *ext4;
  step(fmt::format("FUSE mounted on {} by hangfs pid {} (connection {})", fuse_mount_point(),
                   daemon_pid(), connection_id()));

  if (Status s = make_image(); !s) return s;
  if (Status s = stage_.guardian().on_death_unmount(ext4_mount_); !s) return s;
  // noinit_itable: no ext4lazyinit thread reading bitmaps behind the fixture's back.
  if (::mount(loop_.path().c_str(), ext4_mount_.c_str(), "ext4", 0, "noinit_itable") != 0) {
    return make_error(
        fmt::format("mount {} on {}: {}", loop_.path(), ext4_mount_, std::strerror(errno)));
  }
  ext4_mounted_ = true;
  step(fmt::format("ext4 on {} mounted on {}", loop_.path(), ext4_mount_));
  return block_tasks();
}

Status LoopOnFuse::block_tasks() {
  const Millis timeout = options_.step_timeout;
  // Both open the ext4 root while the daemon answers; after the halt the reader looks up d/x
  // (the root directory's block is not cached) and the creator creates a file in the root.
  std::string mnt = ext4_mount_;
  auto dirfd = std::make_shared<int>(-1);
  auto open_root = [mnt, dirfd]() -> long {
    *dirfd = ::open(mnt.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *dirfd < 0 ? -errno : 0;
  };
  auto reader = Worker::start(
      "reader", open_root,
      [dirfd]() -> int {
        struct stat st {};
        return ::fstatat(*dirfd, "d/x", &st, 0) == 0 ? 0 : 1;
      },
      timeout);
  if (!reader) return reader.error();
  reader_ = std::move(reader).value();
  if (Status s = stage_.guardian().on_death_kill(reader_.pid()); !s) return s;
  if (options_.with_creator) {
    auto creator = Worker::start(
        "creator", open_root,
        [dirfd]() -> int {
          int fd = ::openat(*dirfd, "new", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
          static char block[4096];
          if (fd < 0 || ::write(fd, block, sizeof(block)) != sizeof(block)) return 1;
          return ::fsync(fd) == 0 ? 0 : 1;
        },
        timeout);
    if (!creator) return creator.error();
    creator_ = std::move(creator).value();
    if (Status s = stage_.guardian().on_death_kill(creator_.pid()); !s) return s;
  }

  auto hold = stage_.halt_daemon(options_.halt, timeout, options_.on_step);
  if (!hold) return hold.error();
  hold_ = std::move(hold).value();

  if (Status s = reader_.go(); !s) return s;
  if (Status s = wait_for_task(reader_.pid(), {"D", {"__ext4_find_entry"}}, timeout); !s) {
    return make_error("the reader did not wait for its directory block: " + s.error().message);
  }
  auto worker = wait_for_kernel_worker(loop_.name(), {"request_wait_answer"}, timeout);
  if (!worker) return worker.error();
  loop_worker_pid_ = *worker;
  step(fmt::format("reader pid {} waits for a block of {}; its worker pid {} waits for FUSE",
                   reader_.pid(), loop_.name(), loop_worker_pid_));
  if (!options_.with_creator) return Unit{};
  if (Status s = creator_.go(); !s) return s;
  // The rwsem slow path may spin in D before it sleeps: wait for the sleep itself (the
  // down_write of the directory's i_rwsem is inlined into path_openat on 6.18).
  if (Status s = wait_for_task(
          creator_.pid(), {"D", {"path_openat", "open_last_lookups", "rwsem_down_write_slowpath"}},
          timeout);
      !s) {
    return make_error("the creator did not block: " + s.error().message);
  }
  step(
      fmt::format("creator pid {} blocked in {}", creator_.pid(), read_task_wchan(creator_.pid())));
  return Unit{};
}

Status LoopOnFuse::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  errors.add(stage_.abort_connection());
  if (hold_) errors.add(hold_->release(reap_timeout));
  for (Worker* w : {&reader_, &creator_}) {
    if (w->process().running() && !w->process().wait(reap_timeout)) {
      errors.add(w->process().kill_and_reap(reap_timeout));
    }
  }
  // The aborted connection fails ext4's last writes: it logs I/O errors, and unmounts.
  errors.add(unmount_or_detach(ext4_mount_, ext4_mounted_));
  errors.add(loop_.detach());
  cleaned_ = !reader_.process().running() && !creator_.process().running();
  errors.add(stage_.daemon().kill(reap_timeout));
  if (hold_) errors.add(hold_->remove(reap_timeout));
  errors.add(stage_.finish(reap_timeout, cleaned_));
  return errors.result();
}

}  // namespace hangscope::demo
