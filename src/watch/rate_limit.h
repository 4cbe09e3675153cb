// The flight recorder's rate limit: a token bucket whose refill interval doubles each time it
// runs dry (backoff) and returns to the base after a quiet period. Pure logic over a
// CLOCK_MONOTONIC time in ns (no clock read here), so a day of hangs is testable in microseconds.
#pragma once

#include <cstdint>

namespace hangscope::watch {

struct RateLimitOptions {
  /// Records allowed back to back (>= 1): the first hangs of an incident are all kept.
  std::uint32_t burst = 3;
  /// One record's worth of budget comes back after this long, at first (seconds, > 0).
  double interval_seconds = 300;
  /// The refill interval never grows beyond this (seconds, >= interval_seconds). After this long
  /// with no stuck episode at all, the bucket is full again and the interval back to its base.
  double max_interval_seconds = 3600;
};

/// Decides which incidents are recorded. Not thread-safe (the watchdog thread owns it).
class RecordRateLimiter {
 public:
  explicit RecordRateLimiter(const RateLimitOptions& options);

  /// An incident at `now_ns` (non-decreasing across calls): true when it may be recorded (a
  /// token is taken), false when it is suppressed (counted).
  bool admit(std::uint64_t now_ns);

  /// Incidents suppressed since the start.
  std::uint64_t suppressed() const { return suppressed_; }
  /// Incidents suppressed between the last admitted one and the one before it.
  std::uint64_t suppressed_before_last() const { return suppressed_before_last_; }
  /// The current refill interval in seconds (grows while hangs keep coming).
  double interval_seconds() const { return static_cast<double>(interval_ns_) / 1e9; }

 private:
  void refill(std::uint64_t now_ns);

  std::uint32_t burst_;
  std::uint64_t base_ns_, max_ns_, interval_ns_;
  std::uint32_t tokens_;
  std::uint64_t last_refill_ns_ = 0, last_offer_ns_ = 0;
  bool seen_ = false;
  std::uint64_t suppressed_ = 0, suppressed_run_ = 0, suppressed_before_last_ = 0;
};

}  // namespace hangscope::watch
