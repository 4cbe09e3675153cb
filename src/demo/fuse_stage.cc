#include "demo/fuse_stage.h"

#include <fcntl.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "demo/emergency.h"
#include "demo/fixture_support.h"
#include "demo/fuse_control.h"
#include "demo/mountinfo.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

Status FuseStage::start(const std::string& tag, const std::string& hangfs_binary,
                        const std::string& file_name, const std::vector<std::string>& hangfs_args) {
  auto guardian = Guardian::start();
  if (!guardian) return guardian.error();
  guardian_ = std::move(guardian).value();
  auto scratch = make_scratch_mount(tag);
  if (!scratch) return scratch.error();
  dir_ = std::move(scratch->dir);
  mount_point_ = scratch->mount_point;
  if (Status s = guardian_.on_death_remove(dir_.path()); !s) return s;
  // fusectl first: the emergency path (a signal handler) can only write to the abort knob.
  if (Status s = ensure_fusectl_mounted(); !s) return s;
  auto daemon =
      HangfsDaemon::start({hangfs_binary, mount_point_, file_name, "", Millis(5000), hangfs_args});
  if (!daemon) return daemon.error();
  daemon_ = std::move(daemon).value();
  daemon_pid_ = daemon_.pid();
  connection_id_ = daemon_.connection_id();
  abort_slot_ = emergency::add_abort_knob(fuse_abort_path(connection_id_).c_str());
  return guard_daemon(guardian_, daemon_);
}

FuseStage::~FuseStage() { emergency::remove(std::exchange(abort_slot_, -1)); }

Status FuseStage::abort_connection() {
  Status s = Unit{};
  if (connection_id_ != 0 && !aborted_) {
    s = ensure_fusectl_mounted();
    if (s) s = abort_fuse_connection(connection_id_);
    aborted_ = s.ok();
  }
  emergency::remove(std::exchange(abort_slot_, -1));
  return s;
}

Result<DaemonHold> FuseStage::halt_daemon(DaemonHalt halt, Millis timeout, const StepLog& step) {
  auto hold = DaemonHold::apply(halt, daemon_, dir_, guardian_, timeout);
  if (hold && !halts_on_write(halt) && step) {
    step(fmt::format("daemon hangfs pid {} halted: {}", daemon_pid_, daemon_halt_name(halt)));
  }
  return hold;
}

Status FuseStage::drop_page_cache(const std::string& name) const {
  std::string path = path_of(name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid() || ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED) != 0) {
    return make_error(fmt::format("dropping the page cache of {}: {}", path, std::strerror(errno)));
  }
  return Unit{};
}

Status FuseStage::finish(Millis timeout, bool disarm) {
  CleanupErrors errors;
  errors.add(daemon_.kill(timeout));
  if (!mount_point_.empty()) errors.add(unmount_if_mounted(mount_point_));
  errors.add(dir_.remove());
  if (disarm) guardian_.disarm();
  return errors.result();
}

}  // namespace hangscope::demo
