// The recorder's rate limit: a burst, then a refill interval that doubles while hangs keep
// coming, back to the base after a quiet spell.
#include "watch/rate_limit.h"

#include <gtest/gtest.h>

#include <vector>

namespace hangscope::watch {
namespace {

constexpr std::uint64_t kMinute = 60ull * 1000000000ull;

std::vector<int> admitted_minutes(RecordRateLimiter& r, int from, int to, int every) {
  std::vector<int> out;
  for (int m = from; m < to; m += every)
    if (r.admit(static_cast<std::uint64_t>(m) * kMinute)) out.push_back(m);
  return out;
}

TEST(RecordRateLimit, HangEveryMinuteForADayBacksOffToHourly) {
  RecordRateLimiter r(RateLimitOptions{});  // burst 3, 5 min, at most 1 h
  std::vector<int> got = admitted_minutes(r, 0, 24 * 60, 1);
  // The burst, then 8, 20, 40 minutes apart (the interval doubles each time the bucket runs
  // dry), then hourly.
  ASSERT_GE(got.size(), 7u);
  EXPECT_EQ(std::vector<int>(got.begin(), got.begin() + 7),
            (std::vector<int>{0, 1, 2, 10, 30, 70, 130}));
  for (std::size_t i = 7; i < got.size(); ++i) EXPECT_EQ(got[i] - got[i - 1], 60) << i;
  EXPECT_EQ(got.size(), 28u);
  EXPECT_EQ(r.suppressed(), 24u * 60u - 28u);
  EXPECT_DOUBLE_EQ(r.interval_seconds(), 3600);
}

TEST(RecordRateLimit, QuietHourRestoresTheBurstAndTheBaseInterval) {
  RecordRateLimiter r(RateLimitOptions{});
  admitted_minutes(r, 0, 180, 1);
  EXPECT_GT(r.interval_seconds(), 300);
  // Nothing for an hour: the next incident finds a full bucket again.
  EXPECT_EQ(admitted_minutes(r, 240, 243, 1), (std::vector<int>{240, 241, 242}));
  EXPECT_FALSE(r.admit(243 * kMinute));
  EXPECT_DOUBLE_EQ(r.interval_seconds(), 600);
}

TEST(RecordRateLimit, SlowHangsAreAllRecorded) {
  RecordRateLimiter r(RateLimitOptions{});
  EXPECT_EQ(admitted_minutes(r, 0, 600, 10).size(), 60u);
  EXPECT_EQ(r.suppressed(), 0u);
}

TEST(RecordRateLimit, CountsWhatWasSuppressedBetweenRecords) {
  RecordRateLimiter r(RateLimitOptions{1, 60, 60});
  EXPECT_TRUE(r.admit(0));
  EXPECT_FALSE(r.admit(1));
  EXPECT_FALSE(r.admit(2));
  EXPECT_TRUE(r.admit(kMinute));
  EXPECT_EQ(r.suppressed_before_last(), 2u);
  EXPECT_EQ(r.suppressed(), 2u);
  // A clock that goes backwards is treated as standing still.
  EXPECT_FALSE(r.admit(5));
}

}  // namespace
}  // namespace hangscope::watch
