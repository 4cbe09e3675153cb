// UffdWrite: a write() whose user buffer is a userfaultfd-registered page nobody fills.
// writer1 write()s from the unpopulated page to a file (the kernel holds the inode's i_rwsem
// across the copy that faults) or to a FIFO (pipe->mutex held across the copy); the fault waits
// in handle_userfault for a handler process that is stopped. writer2 then blocks on the same
// lock: writer2 -> i_rwsem / pipe mutex -> writer1 -> userfaultfd -> stopped handler.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/fixture_support.h"
#include "demo/temp_dir.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

/// What writer1 writes into while it faults.
enum class UffdTarget {
  kFile,  ///< a regular file in the fixture's temp dir (under /tmp): i_rwsem held, for write
  kFifo,  ///< a FIFO in the temp dir: pipe->mutex held
};

struct UffdWriteOptions {
  UffdTarget target = UffdTarget::kFile;
  Millis step_timeout{10000};
  StepLog on_step;
};

/// The hang, alive until cleanup(). Needs userfaultfd for kernel faults (root, or
/// vm.unprivileged_userfaultfd=1).
class UffdWrite {
 public:
  /// Builds it, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<UffdWrite>> start(UffdWriteOptions options);

  UffdWrite(const UffdWrite&) = delete;
  UffdWrite& operator=(const UffdWrite&) = delete;
  ~UffdWrite();

  /// Kills the handler (releasing the userfaultfd wakes the fault, which then completes),
  /// reaps writer1 (which reaps the handler) and writer2, removes the temp dir. Idempotent;
  /// fails (listing every problem) when a task is left over.
  Status cleanup();

  pid_t writer1_pid() const { return writer1_.pid(); }
  pid_t writer2_pid() const { return writer2_.pid(); }
  /// The handler holding the userfaultfd: a child of writer1, stopped with SIGSTOP.
  pid_t handler_pid() const { return handler_pid_; }
  UffdTarget target() const { return options_.target; }
  /// The file or FIFO both writers write to.
  const std::string& target_path() const { return target_path_; }
  const std::string& target_name() const { return target_name_; }
  uint64_t target_ino() const { return target_ino_; }

 private:
  explicit UffdWrite(UffdWriteOptions options) : options_(std::move(options)) {}
  Status build();
  void step(const std::string& line) const;

  UffdWriteOptions options_;
  TempDir dir_;
  UniqueFd fifo_reader_;  ///< keeps the FIFO open for reading so writers do not block in open
  Worker writer1_, writer2_;
  std::string target_path_, target_name_;
  uint64_t target_ino_ = 0;
  pid_t handler_pid_ = -1;
  int kill_slot_ = -1;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
