// Deadline: a bound on every wait the fixtures make (they never sleep-and-hope).
#pragma once

#include <chrono>

namespace hangscope::demo {

using Millis = std::chrono::milliseconds;

/// A point in steady time after which a wait gives up.
class Deadline {
 public:
  explicit Deadline(Millis budget) : end_(std::chrono::steady_clock::now() + budget) {}
  bool expired() const { return std::chrono::steady_clock::now() >= end_; }
  /// Milliseconds left, never negative; rounded up so a positive remainder is >= 1.
  int remaining_ms() const {
    auto left = end_ - std::chrono::steady_clock::now();
    if (left <= left.zero()) return 0;
    return static_cast<int>(std::chrono::ceil<Millis>(left).count());
  }

 private:
  std::chrono::steady_clock::time_point end_;
};

}  // namespace hangscope::demo
