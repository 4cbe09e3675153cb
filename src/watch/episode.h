// Episodes: a task stuck longer than the threshold is reported once, when first seen over it,
// and once more when its wait ends. Pure logic over TracerSamples (no BPF, no clock).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "watch/samples.h"

namespace hangscope::watch {

/// Who held the lock when the wait began (pid 0: no owner recorded / unknown).
struct OwnerRef {
  int pid = 0;
  std::string comm;
  bool operator==(const OwnerRef&) const = default;
};

/// One stuck task's episode.
struct Episode {
  int pid = 0;
  int tgid = 0;
  std::string comm;
  std::uint64_t lock = 0;      ///< 0 for episodes found by the start-up snapshot
  std::uint32_t flags = 0;     ///< LCB_F_* (lock waits)
  std::string kind;            ///< lock_kind_name(flags), or the snapshot's wait kind
  std::uint64_t start_ns = 0;  ///< CLOCK_MONOTONIC; estimated for snapshot episodes
  OwnerRef owner;
  bool from_snapshot = false;  ///< found stuck by the start-up snapshot (wait began earlier)
};

/// An episode just crossed the threshold: report the chain once.
struct StuckEvent {
  Episode episode;
  double waited_seconds = 0;
};

/// An episode ended.
struct ReleasedEvent {
  Episode episode;
  double lasted_seconds = 0;
  bool exact =
      false;  ///< lasted_seconds from the recorded end time (else: at the sweep, <= 1 s late)
};

/// What one sweep concluded.
struct SweepEvents {
  std::vector<StuckEvent> stuck;
  std::vector<ReleasedEvent> released;
  /// Waits over the threshold that began and ended between two sweeps (never seen stuck):
  /// no chain can be taken any more, only the lock and its owner at the start (exact times).
  std::vector<ReleasedEvent> brief;
};

/// Tracks episodes across sweeps. Thresholds are in seconds.
class EpisodeTracker {
 public:
  explicit EpisodeTracker(double threshold_seconds) : threshold_s_(threshold_seconds) {}

  /// A task found stuck by the start-up snapshot (stuck_seconds >= threshold); returns its
  /// stuck event, or nothing (empty vector) when it is below the threshold or already tracked.
  std::vector<StuckEvent> add_preexisting(Episode episode, double stuck_seconds,
                                          std::uint64_t now_ns);

  /// Pids of snapshot episodes still open: the caller says which are still blocked.
  std::vector<int> snapshot_pids() const;

  /// One sweep: `still_blocked` = the snapshot_pids() that are still in D. Lock-wait episodes
  /// end when their wait leaves the per-task map (or is replaced by another wait).
  SweepEvents sweep(const TracerSample& sample, const std::set<int>& still_blocked);

  /// Open episodes, by pid.
  const std::map<int, Episode>& open() const { return open_; }
  /// Open episode counts by kind.
  std::map<std::string, int> open_by_kind() const;
  /// The longest current lock wait of the last sample (seconds), 0 when none.
  double longest_wait_seconds() const { return longest_s_; }

 private:
  ReleasedEvent release(const Episode& e, std::uint64_t now_ns,
                        const std::vector<EndedWait>& ended) const;

  double threshold_s_;
  std::map<int, Episode> open_;
  double longest_s_ = 0;
};

}  // namespace hangscope::watch
