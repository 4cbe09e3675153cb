// The BPF side of watch (src/bpf/watch.bpf.c): attach, read the maps, detach.
// Links are owned by file descriptors: a killed process leaves nothing attached.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "core/result.h"
#include "watch/samples.h"

struct watch_bpf;  // watch.skel.h

namespace hangscope::watch {

/// Destroys a watch skeleton (watch_bpf__destroy, defined where watch.skel.h is included).
struct WatchSkelDestroyer {
  void operator()(::watch_bpf* skel) const;
};

/// An open watch skeleton; destroying it detaches the programs and frees the maps.
using WatchSkel = std::unique_ptr<::watch_bpf, WatchSkelDestroyer>;

struct TracerOptions {
  bool trace_spin = false;         ///< also record pure spin-lock contention (high rates)
  std::uint64_t long_wait_ns = 0;  ///< waits at least this long keep their end time
  bool lock_stats = false;         ///< per-lock statistics (lock_stats()): a hash update per wait
};

/// lock:contention_begin/end tracing. Not copyable; detaches on destruction.
class LockTracer {
 public:
  /// Loads and attaches (tp_btf, raw_tp when tp_btf fails). Fails with libbpf's reason
  /// (no root, no BTF, no lock tracepoints).
  static Result<std::unique_ptr<LockTracer>> attach(const TracerOptions& options);
  ~LockTracer();
  LockTracer(const LockTracer&) = delete;
  LockTracer& operator=(const LockTracer&) = delete;

  /// Current waits, long waits that ended (consumed: each is returned once), counters.
  TracerSample sample();
  /// Current waits only (leaves the ended-wait records for the next sample()).
  std::vector<LockWait> current_waits() const;
  /// Per-lock statistics of waits that ended since attach.
  std::vector<LockStat> lock_stats();
  /// sizeof(struct percpu_rw_semaphore) as the BPF side saw it (0 before the first event).
  std::uint64_t percpu_rwsem_size() const;
  /// "tp_btf" or "raw_tp".
  const char* attach_mode() const { return mode_; }
  /// Detaches everything now (idempotent).
  void detach();

 private:
  LockTracer() = default;
  WatchSkel skel_;
  void* waits_ = nullptr;  ///< the mmap-ed wait slots
  std::size_t waits_len_ = 0;
  const char* mode_ = "tp_btf";
  /// An ended-wait record: (pid, end_ns).
  using EndedId = std::pair<std::uint32_t, std::uint64_t>;
  /// Ended-wait records already returned whose delete failed.
  std::set<EndedId> undeleted_;
};

/// CLOCK_MONOTONIC in ns (the clock of bpf_ktime_get_ns).
std::uint64_t monotonic_ns();

}  // namespace hangscope::watch
