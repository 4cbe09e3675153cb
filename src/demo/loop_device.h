// A loop device bound to a backing file with ioctls only (no losetup).
#pragma once

#include <string>

#include "core/result.h"
#include "demo/deadline.h"
#include "demo/temp_dir.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

/// An attached /dev/loopN. Attached with LO_FLAGS_AUTOCLEAR, so the kernel detaches it once the
/// last user (a mount, our fd) lets go even if this process dies. Movable, not copyable.
class LoopDevice {
 public:
  LoopDevice() = default;
  LoopDevice(LoopDevice&&) = default;
  LoopDevice& operator=(LoopDevice&&) = default;
  ~LoopDevice() { detach(); }

  /// Picks a free device (LOOP_CTL_GET_FREE) and binds `backing_file` to it (LOOP_CONFIGURE,
  /// falling back to LOOP_SET_FD + LOOP_SET_STATUS64). Retries when another process grabs the
  /// same device first. Fails with a one-line error (no /dev/loop-control, no free device...).
  static Result<LoopDevice> attach(const std::string& backing_file);

  /// "/dev/loopN".
  const std::string& path() const { return path_; }
  /// "loopN", the block device name (and the s_id of a filesystem on it).
  std::string name() const { return "loop" + std::to_string(number_); }
  int number() const { return number_; }
  unsigned major() const { return major_; }
  unsigned minor() const { return minor_; }
  bool attached() const { return fd_.valid(); }

  /// Writes back and drops the device's page cache (BLKFLSBUF): the next read of any block goes
  /// to the backing file. Fails with the errno text.
  Status flush_buffers() const;

  /// Detaches (LOOP_CLR_FD; while a mount still uses the device the kernel defers that to the
  /// last close) and closes our fd. Idempotent; fails only when the ioctl fails otherwise.
  Status detach();

 private:
  UniqueFd fd_;
  std::string path_;
  int number_ = -1;
  unsigned major_ = 0;
  unsigned minor_ = 0;
};

/// True while /dev/loop`number` is bound to a file (/sys/block/loopN/loop/backing_file exists).
bool loop_device_bound(int number);

/// Runs mkfs.ext4 on `device` (quietly, forced), filled with the tree `populate_dir` when it is
/// not empty (mkfs.ext4 -d). Fails when mkfs.ext4 cannot run, fails, or outlasts `timeout`.
Status make_ext4(const std::string& device, const std::string& populate_dir, Millis timeout);

/// Creates (or truncates) a sparse file of `bytes` at `path`; fails with the errno text.
Status create_sparse_file(const std::string& path, long long bytes);

/// Creates the sparse file `name` of `bytes` in `dir` (tracked there for removal) and binds it to
/// a free loop device. Fails with the step's one-line error.
Result<LoopDevice> attach_sparse_image(TempDir& dir, const std::string& name, long long bytes);

}  // namespace hangscope::demo
