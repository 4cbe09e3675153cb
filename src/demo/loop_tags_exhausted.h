// LoopTagsExhausted: a block device that stopped completing I/O and has used up its request tags,
// the shape of a dead disk, iSCSI target or cloud volume: every request the device may have in
// flight (its queue's nr_requests) is taken, so the next submitter cannot even allocate one and
// sleeps in blk_mq_get_tag. Here the device is a loop device over a file on a FUSE mount whose
// daemon is halted, its queue cut down to nr_requests=4, read directly (O_DIRECT) by 6 readers.
//
//   tag waiter (D, blk_mq_get_tag) --no free tag--> loopN: 4 requests in flight
//   in-flight reader (D, submit_bio_wait) --bio--> loopN --worker--> FUSE READ --> hangfs (halted)
//
// What the kernel shows (Linux 6.18):
// - in-flight readers: D, wchan submit_bio_wait <- __blkdev_direct_IO_simple <- blkdev_read_iter.
// - tag waiters: D, wchan blk_mq_get_tag <- blk_mq_submit_bio <- __submit_bio <-
//   submit_bio_noacct_nocheck <- submit_bio_wait <- __blkdev_direct_IO_simple.
// - loop worker "kworker/uN:M+loopN": D in folio_wait_bit_common <- filemap_get_pages <-
//   filemap_read <- lo_rw_aio: the worker's buffered read of the backing file started a readahead
//   (an asynchronous FUSE READ, which no task waits for in request_wait_answer) and waits for the
//   folio lock that read holds.
// - /sys/block/loopN/inflight "4 0"; /sys/block/loopN/queue/nr_requests 4;
//   /sys/fs/fuse/connections/ID/waiting counts the READ.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "demo/child_process.h"
#include "demo/daemon_halt.h"
#include "demo/fixture_support.h"
#include "demo/fuse_stage.h"
#include "demo/loop_device.h"

namespace hangscope::demo {

struct LoopTagsExhaustedOptions {
  std::string hangfs_binary;
  Millis step_timeout{10000};
  StepLog on_step;
  DaemonHalt halt = DaemonHalt::kSigstop;  ///< any halt but the on-write ones
  int nr_requests = 4;                     ///< the queue depth to cut the device to (>= 4)
  int tag_waiters = 2;                     ///< readers beyond nr_requests
};

/// The hang, alive until cleanup(). Needs root, /dev/fuse and loop devices.
class LoopTagsExhausted {
 public:
  /// Builds it, waiting (bounded) for each state. On failure undoes everything.
  static Result<std::unique_ptr<LoopTagsExhausted>> start(LoopTagsExhaustedOptions options);

  LoopTagsExhausted(const LoopTagsExhausted&) = delete;
  LoopTagsExhausted& operator=(const LoopTagsExhausted&) = delete;
  ~LoopTagsExhausted();

  /// Aborts the FUSE connection (every read fails with EIO), lifts the halt, reaps the readers,
  /// restores nr_requests, detaches the loop device, kills the daemon, unmounts, removes the temp
  /// dir. Idempotent; fails (listing every problem) when something is left over.
  Status cleanup();

  /// Readers whose request is in flight (they hold the tags).
  std::vector<pid_t> inflight_reader_pids() const;
  /// Readers waiting for a tag.
  std::vector<pid_t> tag_waiter_pids() const;
  pid_t loop_worker_pid() const { return loop_worker_pid_; }
  pid_t daemon_pid() const { return stage_.daemon_pid(); }
  const std::string& loop_path() const { return loop_.path(); }
  std::string loop_name() const { return loop_.name(); }
  const std::string& backing_file() const { return backing_file_; }
  uint64_t connection_id() const { return stage_.connection_id(); }

 private:
  explicit LoopTagsExhausted(LoopTagsExhaustedOptions options) : options_(std::move(options)) {}
  Status build();
  Status start_readers();
  void step(const std::string& line) const;

  LoopTagsExhaustedOptions options_;
  FuseStage stage_;
  std::optional<DaemonHold> hold_;
  LoopDevice loop_;
  std::vector<Worker> readers_;
  std::string backing_file_, nr_requests_path_, saved_nr_requests_;
  pid_t loop_worker_pid_ = -1;
  bool cleaned_ = false;
};

}  // namespace hangscope::demo
