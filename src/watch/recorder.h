// `watch --record DIR`, the flight recorder: for each incident (the stuck episodes one sweep
// reported), the reports exactly as watch printed them (report.txt, report.json) and a replay
// file (episode.json: `hangscope analyze` on it prints the same bytes) go into a new record in
// DIR. A rate limit with backoff decides which incidents are recorded; size and count caps
// rotate the oldest records out. All file-system work runs on a worker thread behind a small
// bounded queue: when DIR's filesystem is the stuck one, incidents are dropped (counted and
// reported), never waited for.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "watch/episode_record.h"
#include "watch/incident_counters.h"
#include "watch/rate_limit.h"
#include "watch/record_dir.h"

namespace hangscope::watch {

struct RecorderOptions {
  std::string dir;
  RecordCaps caps;
  RateLimitOptions rate;
  std::size_t queue_incidents = 4;  ///< incidents waiting for the worker before drops begin
};

/// What the worker did with one incident.
struct RecordOutcome {
  bool ok = false;
  std::string path;                  ///< DIR/NAME (ok)
  std::uint64_t bytes = 0;           ///< of this record (ok)
  std::vector<std::string> rotated;  ///< older records deleted to make room
  bool replay_kept = true;           ///< false: episode.json alone broke the byte cap, reports kept
  std::uint64_t suppressed_before = 0;  ///< incidents the rate limit skipped before this one
  std::string error;                    ///< !ok
};

class Recorder {
 public:
  /// Starts the worker and opens DIR on it, waiting at most `open_wait` for that: an error
  /// (cannot create or list DIR) is returned; a DIR that does not answer in time is not an
  /// error (the worker keeps trying with the first incident; `open_pending()` says so).
  static Result<std::unique_ptr<Recorder>> start(const RecorderOptions& options,
                                                 std::chrono::milliseconds open_wait);
  ~Recorder();

  enum class Offer { queued, suppressed, dropped };
  /// One incident at `now_ns` (CLOCK_MONOTONIC); `utc` names it ("2026-11-25T16:30:01Z").
  /// Never blocks on the file system.
  Offer offer(std::uint64_t now_ns, const std::string& utc, EpisodeRecord record, std::string text,
              std::string json_lines);

  /// Incidents the worker finished since the last call (counted into counters()).
  std::vector<RecordOutcome> take_outcomes();
  RecorderCounters counters() const;
  const std::string& dir() const { return options_.dir; }
  /// True when DIR had not answered within start()'s wait.
  bool open_pending() const { return open_pending_; }

  /// Waits up to `grace` for queued incidents; then abandons the worker. Idempotent.
  bool stop(std::chrono::milliseconds grace);

 private:
  struct Impl;
  explicit Recorder(const RecorderOptions& options);
  RecorderOptions options_;
  RecordRateLimiter limiter_;
  std::unique_ptr<Impl> impl_;
  std::uint64_t seq_ = 0;
  bool open_pending_ = false;
  RecorderCounters counters_;
};

/// "hang-20261125T163001Z-000007-pid1234": sortable by time, unique within a run.
std::string record_name(const std::string& utc, std::uint64_t seq, int pid);

}  // namespace hangscope::watch
