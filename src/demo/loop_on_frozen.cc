#include "demo/loop_on_frozen.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "demo/mountinfo.h"
#include "demo/proc_task.h"

namespace hangscope::demo {
Result<std::unique_ptr<LoopOnFrozen>> LoopOnFrozen::start(LoopOnFrozenOptions options) {
  std::unique_ptr<LoopOnFrozen> hang(new LoopOnFrozen(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

LoopOnFrozen::~LoopOnFrozen() { cleanup(); }

void LoopOnFrozen::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status LoopOnFrozen::mount_ext4(const LoopDevice& loop, const std::string& mount_point,
                                const char* options) {
  if (Status s = make_ext4(loop.path(), "", options_.step_timeout); !s) return s;
  if (Status s = guardian_.on_death_unmount(mount_point); !s) return s;
  if (::mount(loop.path().c_str(), mount_point.c_str(), "ext4", 0, options) != 0) {
    return make_error(
        fmt::format("mount {} on {}: {}", loop.path(), mount_point, std::strerror(errno)));
  }
  return Unit{};
}

Status LoopOnFrozen::build() {
  const Millis timeout = options_.step_timeout;
  auto guardian = Guardian::start();
  if (!guardian) return guardian.error();
  guardian_ = std::move(guardian).value();
  auto dir = TempDir::create("loopfrozen");
  if (!dir) return dir.error();
  dir_ = std::move(dir).value();
  if (Status s = guardian_.on_death_remove(dir_.path()); !s) return s;
  auto lower = dir_.make_subdir("lower");
  if (!lower) return lower.error();
  lower_mount_ = *lower;
  auto upper = dir_.make_subdir("upper");
  if (!upper) return upper.error();
  upper_mount_ = *upper;

  auto lower_loop = attach_sparse_image(dir_, "lower.img", 64ll << 20);
  if (!lower_loop) return lower_loop.error();
  lower_loop_ = std::move(lower_loop).value();
  // noinit_itable: no ext4lazyinit thread writing inode tables behind the fixture's back.
  if (Status s = mount_ext4(lower_loop_, lower_mount_, "noinit_itable"); !s) return s;
  lower_mounted_ = true;
  backing_file_ = lower_mount_ + "/upper.img";
  if (Status s = create_sparse_file(backing_file_, 32ll << 20); !s) return s;
  auto upper_loop = LoopDevice::attach(backing_file_);
  if (!upper_loop) return upper_loop.error();
  upper_loop_ = std::move(upper_loop).value();
  if (Status s = mount_ext4(upper_loop_, upper_mount_, "noinit_itable"); !s) return s;
  upper_mounted_ = true;
  step(fmt::format("ext4 on {} (file {} on the ext4 of {}) mounted on {}", upper_loop_.path(),
                   backing_file_, lower_loop_.path(), upper_mount_));

  std::string path = upper_mount_ + "/f";
  auto fd = std::make_shared<int>(-1);
  auto writer = Worker::start(
      "fsyncer",
      [path, fd]() -> long {
        *fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        return *fd < 0 ? -errno : 0;
      },
      [fd]() -> int {
        static char data[16 * 4096];
        if (::pwrite(*fd, data, sizeof(data), 0) != static_cast<ssize_t>(sizeof(data))) return 1;
        return ::fsync(*fd) == 0 ? 0 : 1;
      },
      timeout);
  if (!writer) return writer.error();
  writer_ = std::move(writer).value();
  if (Status s = guardian_.on_death_kill(writer_.pid()); !s) return s;

  if (Status s = freeze_.freeze(lower_mount_, guardian_); !s) return s;
  step(fmt::format("{} frozen (FIFREEZE, as fsfreeze -f)", lower_mount_));

  if (Status s = writer_.go(); !s) return s;
  auto worker = wait_for_kernel_worker(upper_loop_.name(), {"percpu_rwsem_wait"}, timeout);
  if (!worker) return worker.error();
  loop_worker_pid_ = *worker;
  if (Status s = wait_for_task(writer_.pid(), {"D", {}}, timeout); !s) {
    return make_error("the writer did not wait for its I/O: " + s.error().message);
  }
  step(fmt::format("fsyncer pid {} waits in {}; {} worker pid {} waits on the frozen {}",
                   writer_.pid(), read_task_wchan(writer_.pid()), upper_loop_.name(),
                   loop_worker_pid_, lower_mount_));
  return Unit{};
}

Status LoopOnFrozen::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  errors.add(freeze_.thaw());
  if (writer_.process().running() && !writer_.process().wait(reap_timeout)) {
    errors.add(writer_.process().kill_and_reap(reap_timeout));
  }
  errors.add(unmount_or_detach(upper_mount_, upper_mounted_));
  const int upper_number = upper_loop_.number();
  errors.add(upper_loop_.detach());
  // The loop device lets go of its backing file (on the lower filesystem) only once it is
  // cleared, asynchronously after the last close: until then the lower umount is EBUSY.
  Deadline released(reap_timeout);
  while (upper_number >= 0 && loop_device_bound(upper_number) && !released.expired()) {
    std::this_thread::sleep_for(Millis(10));
  }
  errors.add(unmount_or_detach(lower_mount_, lower_mounted_));
  errors.add(lower_loop_.detach());
  errors.add(dir_.remove());
  cleaned_ = !freeze_.frozen() && !writer_.process().running();
  if (cleaned_) guardian_.disarm();
  return errors.result();
}

}  // namespace hangscope::demo
