#include "watch/rate_limit.h"

#include <algorithm>

namespace hangscope::watch {

namespace {

std::uint64_t to_ns(double seconds) { return static_cast<std::uint64_t>(seconds * 1e9); }

}  // namespace

RecordRateLimiter::RecordRateLimiter(const RateLimitOptions& o)
    : burst_(std::max<std::uint32_t>(o.burst, 1)),
      base_ns_(std::max<std::uint64_t>(to_ns(o.interval_seconds), 1)),
      max_ns_(std::max(base_ns_, to_ns(o.max_interval_seconds))),
      interval_ns_(base_ns_),
      tokens_(burst_) {}

void RecordRateLimiter::refill(std::uint64_t now_ns) {
  while (tokens_ < burst_ && now_ns - last_refill_ns_ >= interval_ns_) {
    ++tokens_;
    last_refill_ns_ += interval_ns_;
  }
}

bool RecordRateLimiter::admit(std::uint64_t now_ns) {
  if (seen_ && now_ns < last_offer_ns_) now_ns = last_offer_ns_;
  if (!seen_ || now_ns - last_offer_ns_ >= max_ns_) {  // first incident, or after a quiet spell
    tokens_ = burst_;
    interval_ns_ = base_ns_;
  }
  seen_ = true;
  last_offer_ns_ = now_ns;
  refill(now_ns);
  if (tokens_ == 0) {
    ++suppressed_;
    ++suppressed_run_;
    return false;
  }
  if (tokens_ == burst_) last_refill_ns_ = now_ns;  // the refill clock starts at the first use
  if (--tokens_ == 0) interval_ns_ = std::min(interval_ns_ * 2, max_ns_);  // ran dry: back off
  suppressed_before_last_ = suppressed_run_;
  suppressed_run_ = 0;
  return true;
}

}  // namespace hangscope::watch
