// The worker behind the recorder and the exec hook: jobs in order, drops when the queue is full
// while a job is stuck, and a bounded stop that abandons a stuck job.
#include "watch/bounded_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace hangscope::watch {
namespace {

using namespace std::chrono_literals;

TEST(BoundedWorker, RunsJobsInOrder) {
  BoundedWorker<int, int> w(8, [](int& x) { return x * 10; });
  for (int i = 1; i <= 5; ++i) EXPECT_TRUE(w.try_push(i));
  EXPECT_TRUE(w.stop(5s));
  EXPECT_EQ(w.take_done(), (std::vector<int>{10, 20, 30, 40, 50}));
  EXPECT_EQ(w.dropped(), 0u);
  EXPECT_FALSE(w.try_push(6));  // stopped
}

TEST(BoundedWorker, AStuckJobFillsTheQueueAndLaterJobsAreDropped) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto started = std::make_shared<std::atomic<bool>>(false);
  BoundedWorker<int, int> w(2, [release, started](int& x) {
    started->store(true);
    while (!release->load()) std::this_thread::sleep_for(1ms);
    return x;
  });
  ASSERT_TRUE(w.try_push(1));
  while (!started->load()) std::this_thread::sleep_for(1ms);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(w.try_push(2));
  EXPECT_TRUE(w.try_push(3));
  EXPECT_FALSE(w.try_push(4));
  EXPECT_FALSE(w.try_push(5));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // pushing never waits for the job
  EXPECT_EQ(w.dropped(), 2u);
  EXPECT_TRUE(w.busy());
  release->store(true);
  EXPECT_TRUE(w.stop(5s));
  EXPECT_EQ(w.take_done(), (std::vector<int>{1, 2, 3}));
}

TEST(BoundedWorker, StopGivesUpOnAJobThatNeverEnds) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  {
    BoundedWorker<int, int> w(1, [release](int& x) {
      while (!release->load()) std::this_thread::sleep_for(1ms);
      return x;
    });
    w.try_push(1);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(w.stop(100ms));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  }  // destroyed while its abandoned thread still runs: it owns its own state
  release->store(true);
  std::this_thread::sleep_for(20ms);
}

}  // namespace
}  // namespace hangscope::watch
