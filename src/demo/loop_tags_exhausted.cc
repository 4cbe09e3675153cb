#include "demo/loop_tags_exhausted.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "demo/proc_task.h"
#include "demo/text_file.h"

namespace hangscope::demo {
namespace {

/// The readers' block size; each reads its own 64 KiB-apart block, O_DIRECT.
constexpr long kBlock = 4096;

}  // namespace

Result<std::unique_ptr<LoopTagsExhausted>> LoopTagsExhausted::start(
    LoopTagsExhaustedOptions options) {
  std::unique_ptr<LoopTagsExhausted> hang(new LoopTagsExhausted(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

LoopTagsExhausted::~LoopTagsExhausted() { cleanup(); }

void LoopTagsExhausted::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

std::vector<pid_t> LoopTagsExhausted::inflight_reader_pids() const {
  std::vector<pid_t> out;
  for (int i = 0; i < options_.nr_requests && i < static_cast<int>(readers_.size()); ++i) {
    out.push_back(readers_[i].pid());
  }
  return out;
}

std::vector<pid_t> LoopTagsExhausted::tag_waiter_pids() const {
  std::vector<pid_t> out;
  for (size_t i = static_cast<size_t>(options_.nr_requests); i < readers_.size(); ++i) {
    out.push_back(readers_[i].pid());
  }
  return out;
}

Status LoopTagsExhausted::build() {
  const Millis timeout = options_.step_timeout;
  if (halts_on_write(options_.halt) || options_.nr_requests < 4 || options_.tag_waiters < 1) {
    return make_error(
        "loop tags: needs a halt that stops the daemon, nr_requests >= 4 and at "
        "least one tag waiter");
  }
  if (Status s = stage_.start("looptags", options_.hangfs_binary, "disk.img", {}); !s) return s;
  backing_file_ = stage_.path_of("disk.img");
  if (Status s = create_sparse_file(backing_file_, 8ll << 20); !s) return s;
  auto loop = LoopDevice::attach(backing_file_);
  if (!loop) return loop.error();
  loop_ = std::move(loop).value();
  // The queue depth outlives this loop device's binding: restore it, also on death.
  nr_requests_path_ = fmt::format("/sys/block/{}/queue/nr_requests", loop_.name());
  saved_nr_requests_ = read_first_line(nr_requests_path_);
  if (saved_nr_requests_.empty()) return make_error("cannot read " + nr_requests_path_);
  Status s = stage_.guardian().on_death_write(nr_requests_path_, saved_nr_requests_);
  if (s) s = write_text_file(nr_requests_path_, std::to_string(options_.nr_requests));
  if (!s) return s;
  step(fmt::format("{} bound to {}, nr_requests {} (was {})", loop_.path(), backing_file_,
                   options_.nr_requests, saved_nr_requests_));
  // Nothing of the image may be cached above the daemon.
  if (Status s = stage_.drop_page_cache("disk.img"); !s) return s;
  auto hold = stage_.halt_daemon(options_.halt, timeout, options_.on_step);
  if (!hold) return hold.error();
  hold_ = std::move(hold).value();
  return start_readers();
}

Status LoopTagsExhausted::start_readers() {
  const Millis timeout = options_.step_timeout;
  const int total = options_.nr_requests + options_.tag_waiters;
  for (int i = 0; i < total; ++i) {
    std::string device = loop_.path();
    long offset = static_cast<long>(i) * 16 * kBlock;
    auto fd = std::make_shared<int>(-1);
    auto reader = Worker::start(
        i < options_.nr_requests ? "dio_reader" : "tag_waiter",
        [device, fd]() -> long {
          *fd = ::open(device.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
          return *fd < 0 ? -errno : 0;
        },
        [fd, offset]() -> int {
          void* buf = std::aligned_alloc(kBlock, kBlock);
          return buf && ::pread(*fd, buf, kBlock, offset) == kBlock ? 0 : 1;
        },
        timeout);
    if (!reader) return reader.error();
    readers_.push_back(std::move(reader).value());
    Worker& w = readers_.back();
    if (Status s = stage_.guardian().on_death_kill(w.pid()); !s) return s;
    if (Status s = w.go(); !s) return s;
    // One at a time, so that the first nr_requests readers are the ones holding the tags.
    const bool holds_tag = i < options_.nr_requests;
    std::vector<std::string_view> wchans = {holds_tag ? "submit_bio_wait" : "blk_mq_get_tag"};
    if (Status s = wait_for_task(w.pid(), {"D", wchans}, timeout); !s) {
      return make_error(fmt::format("reader {} of {}: {}", i + 1, total, s.error().message));
    }
    if (i == 0) {
      auto worker = wait_for_kernel_worker(
          loop_.name(), {"folio_wait_bit_common", "request_wait_answer"}, timeout);
      if (!worker) return worker.error();
      loop_worker_pid_ = *worker;
    }
  }
  step(fmt::format("{} readers hold all {} tags of {}; {} more wait in blk_mq_get_tag",
                   options_.nr_requests, options_.nr_requests, loop_.name(), options_.tag_waiters));
  return Unit{};
}

Status LoopTagsExhausted::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  errors.add(stage_.abort_connection());
  if (hold_) errors.add(hold_->release(reap_timeout));
  bool reaped = true;
  for (Worker& w : readers_) {
    if (w.process().running() && !w.process().wait(reap_timeout)) {
      errors.add(w.process().kill_and_reap(reap_timeout));
    }
    reaped = reaped && !w.process().running();
  }
  if (!saved_nr_requests_.empty() && loop_.attached()) {
    Status s = write_text_file(nr_requests_path_, saved_nr_requests_);
    if (s) saved_nr_requests_.clear();
    errors.add(s);
  }
  errors.add(loop_.detach());
  cleaned_ = reaped;
  errors.add(stage_.daemon().kill(reap_timeout));
  if (hold_) errors.add(hold_->remove(reap_timeout));
  errors.add(stage_.finish(reap_timeout, cleaned_));
  return errors.result();
}

}  // namespace hangscope::demo
