// A worker thread with a bounded queue, for work the watchdog must never wait for (writes to a
// directory on a filesystem that may be the stuck one, user commands that may hang). The
// watchdog pushes without blocking (a full queue drops the job, counted) and collects results
// when it likes; stopping waits a bounded time and then abandons the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hangscope::watch {

template <typename Job, typename Done>
class BoundedWorker {
 public:
  /// Starts the thread. `work` runs on it for each job, in order; `capacity` >= 1 jobs may wait
  /// (the one running does not count).
  BoundedWorker(std::size_t capacity, std::function<Done(Job&)> work)
      : s_(std::make_shared<State>()) {
    s_->capacity = capacity ? capacity : 1;
    s_->work = std::move(work);
    thread_ = std::thread([s = s_] { run(*s); });
  }
  BoundedWorker(const BoundedWorker&) = delete;
  BoundedWorker& operator=(const BoundedWorker&) = delete;
  ~BoundedWorker() { stop(std::chrono::milliseconds(0)); }

  /// Queues `job`; false (and the drop counted) when the queue is full or the worker stopped.
  /// Never blocks beyond taking the queue's mutex, which the worker holds only to move jobs.
  bool try_push(Job job) {
    std::lock_guard<std::mutex> g(s_->mu);
    if (s_->stopping || s_->queue.size() >= s_->capacity) {
      ++s_->dropped;
      return false;
    }
    s_->queue.push_back(std::move(job));
    s_->cv.notify_all();
    return true;
  }

  /// Results finished since the last call, in order.
  std::vector<Done> take_done() {
    std::lock_guard<std::mutex> g(s_->mu);
    std::vector<Done> out;
    out.swap(s_->done);
    return out;
  }

  /// Jobs dropped because the queue was full.
  std::uint64_t dropped() const {
    std::lock_guard<std::mutex> g(s_->mu);
    return s_->dropped;
  }

  /// True while a job runs or waits.
  bool busy() const {
    std::lock_guard<std::mutex> g(s_->mu);
    return s_->running || !s_->queue.empty();
  }

  /// Accepts no more jobs and waits up to `grace` for the queued ones to finish. Returns true
  /// when the thread ended (joined); false when it was still busy and was abandoned (detached:
  /// it ends on its own, or with the process). Idempotent.
  bool stop(std::chrono::milliseconds grace) {
    if (!thread_.joinable()) return true;
    std::unique_lock<std::mutex> l(s_->mu);
    s_->stopping = true;
    s_->cv.notify_all();
    bool ended = s_->cv.wait_for(l, grace, [this] { return s_->ended; });
    l.unlock();
    if (ended)
      thread_.join();
    else
      thread_.detach();
    return ended;
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Job> queue;
    std::vector<Done> done;
    std::function<Done(Job&)> work;
    std::size_t capacity = 1;
    std::uint64_t dropped = 0;
    bool stopping = false, running = false, ended = false;
  };

  static void run(State& s) {
    std::unique_lock<std::mutex> l(s.mu);
    for (;;) {
      s.cv.wait(l, [&] { return s.stopping || !s.queue.empty(); });
      if (s.queue.empty()) break;  // stopping and drained
      Job job = std::move(s.queue.front());
      s.queue.pop_front();
      s.running = true;
      l.unlock();
      Done d = s.work(job);
      l.lock();
      s.running = false;
      s.done.push_back(std::move(d));
    }
    s.ended = true;
    s.cv.notify_all();
  }

  std::shared_ptr<State> s_;
  std::thread thread_;
};

}  // namespace hangscope::watch
