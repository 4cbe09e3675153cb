#include "demo/frozen_ext4.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "demo/emergency.h"
#include "demo/mountinfo.h"
#include "demo/proc_task.h"

namespace hangscope::demo {

Result<std::unique_ptr<FrozenExt4>> FrozenExt4::start(FrozenExt4Options options) {
  std::unique_ptr<FrozenExt4> hang(new FrozenExt4(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

FrozenExt4::~FrozenExt4() { cleanup(); }

void FrozenExt4::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status FrozenExt4::build() {
  const Millis timeout = options_.step_timeout;
  auto guardian = Guardian::start();
  if (!guardian) return guardian.error();
  guardian_ = std::move(guardian).value();
  auto scratch = make_scratch_mount("frozen");
  if (!scratch) return scratch.error();
  dir_ = std::move(scratch->dir);
  mount_point_ = scratch->mount_point;
  if (Status s = guardian_.on_death_remove(dir_.path()); !s) return s;
  auto loop = attach_sparse_image(dir_, "ext4.img", 64ll << 20);
  if (!loop) return loop.error();
  loop_ = std::move(loop).value();
  if (Status s = make_ext4(loop_.path(), "", options_.step_timeout); !s) return s;
  if (Status s = guardian_.on_death_unmount(mount_point_); !s) return s;
  if (::mount(loop_.path().c_str(), mount_point_.c_str(), "ext4", 0, "") != 0) {
    return make_error(
        fmt::format("mount {} on {}: {}", loop_.path(), mount_point_, std::strerror(errno)));
  }
  mounted_ = true;
  step(fmt::format("ext4 on {} mounted on {}", loop_.path(), mount_point_));

  root_fd_.reset(::open(mount_point_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd_.valid()) {
    return make_error(fmt::format("open {}: {}", mount_point_, std::strerror(errno)));
  }
  UniqueFd file(::openat(root_fd_.get(), "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  struct stat st {};
  if (!file.valid() || ::fstat(file.get(), &st) != 0) {
    return make_error(fmt::format("create {}/f: {}", mount_point_, std::strerror(errno)));
  }
  file_ino_ = st.st_ino;
  file.reset();

  std::string path = mount_point_ + "/f";
  auto fd = std::make_shared<int>(-1);
  auto writer = Worker::start(
      "fdwriter",
      [path, fd]() -> long {
        *fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        return *fd < 0 ? -errno : 0;
      },
      [fd]() -> int {
        static char page[4096];
        return ::write(*fd, page, sizeof(page)) == sizeof(page) ? 0 : 1;
      },
      timeout);
  if (!writer) return writer.error();
  writer_ = std::move(writer).value();
  if (options_.with_mkdir) {
    std::string mp = mount_point_;
    auto dirfd = std::make_shared<int>(-1);
    auto mk = Worker::start(
        "mkdir",
        [mp, dirfd]() -> long {
          *dirfd = ::open(mp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          return *dirfd < 0 ? -errno : 0;
        },
        [dirfd]() -> int { return ::mkdirat(*dirfd, "d", 0755) == 0 ? 0 : 1; }, timeout);
    if (!mk) return mk.error();
    mkdir_ = std::move(mk).value();
  }

  if (Status s = freeze_.freeze(mount_point_, guardian_); !s) return s;
  step(fmt::format("{} frozen (FIFREEZE, as fsfreeze -f)", mount_point_));

  if (Status s = writer_.go(); !s) return s;
  if (Status s = wait_for_task(writer_.pid(), {"D", {"percpu_rwsem_wait"}}, timeout); !s) {
    return make_error("the writer did not block on the freeze: " + s.error().message);
  }
  step(fmt::format("fdwriter pid {} blocked in percpu_rwsem_wait", writer_.pid()));
  if (options_.with_mkdir) {
    if (Status s = mkdir_.go(); !s) return s;
    if (Status s = wait_for_task(mkdir_.pid(), {"D", {"percpu_rwsem_wait"}}, timeout); !s) {
      return make_error("mkdir did not block on the freeze: " + s.error().message);
    }
    step(fmt::format("mkdir pid {} blocked in percpu_rwsem_wait", mkdir_.pid()));
  }
  return Unit{};
}

Status FrozenExt4::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  errors.add(freeze_.thaw());
  for (Worker* w : {&writer_, &mkdir_}) {
    if (w->process().running() && !w->process().wait(reap_timeout)) {
      errors.add(w->process().kill_and_reap(reap_timeout));
    }
  }
  root_fd_.reset();
  errors.add(unmount_or_detach(mount_point_, mounted_));
  errors.add(loop_.detach());
  errors.add(dir_.remove());
  cleaned_ = !freeze_.frozen() && !writer_.process().running() && !mkdir_.process().running();
  if (cleaned_) guardian_.disarm();
  return errors.result();
}

}  // namespace hangscope::demo
