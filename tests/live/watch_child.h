// `hangscope watch` run as a child by the live tests: its stdout lines collected by a reader
// thread and searched as JSON events.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hangscope::live {

using Clock = std::chrono::steady_clock;

/// `hangscope watch ARGS...` as a child whose stdout lines are collected by a reader thread.
class WatchChild {
 public:
  explicit WatchChild(const std::vector<std::string>& args) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(p[1], STDOUT_FILENO);
      std::vector<char*> argv{const_cast<char*>(HANGSCOPE_BIN), const_cast<char*>("watch")};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(HANGSCOPE_BIN, argv.data());
      _exit(127);
    }
    close(p[1]);
    fd_ = p[0];
    reader_ = std::thread([this] { read_lines(); });
  }
  ~WatchChild() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      wait_exit(5000);
    }
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) close(fd_);
  }
  pid_t pid() const { return pid_; }

  /// The first JSON line matching `pred` (searching from the start), waiting until `deadline`.
  std::optional<nlohmann::json> wait_for(const std::function<bool(const nlohmann::json&)>& pred,
                                         Clock::time_point deadline,
                                         Clock::time_point* when = nullptr) {
    std::unique_lock lk(mu_);
    for (std::size_t i = 0;;) {
      for (; i < lines_.size(); ++i) {
        auto j = nlohmann::json::parse(lines_[i].first, nullptr, false);
        if (!j.is_discarded() && pred(j)) {
          if (when) *when = lines_[i].second;
          return j;
        }
      }
      if (eof_ || cv_.wait_until(lk, deadline) == std::cv_status::timeout) {
        if (Clock::now() >= deadline || eof_) return std::nullopt;
      }
    }
  }
  std::string all_output() {
    std::lock_guard lk(mu_);
    std::string out;
    for (auto& l : lines_) out += l.first + "\n";
    return out;
  }
  /// Waits (bounded) for the child to exit; its exit code, or -1 (signal/timeout).
  int wait_exit(int timeout_ms) {
    for (int waited = 0; waited <= timeout_ms; waited += 20) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      usleep(20000);
    }
    return -1;
  }

 private:
  void read_lines() {
    std::string buf;
    char chunk[4096];
    for (;;) {
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
      std::size_t nl;
      while ((nl = buf.find('\n')) != std::string::npos) {
        std::lock_guard lk(mu_);
        lines_.emplace_back(buf.substr(0, nl), Clock::now());
        buf.erase(0, nl + 1);
        cv_.notify_all();
      }
    }
    std::lock_guard lk(mu_);
    eof_ = true;
    cv_.notify_all();
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, Clock::time_point>> lines_;
  bool eof_ = false;
};

/// True when `j` is a watch event named `name`.
inline bool is_event(const nlohmann::json& j, const char* name) {
  return j.is_object() && j.value("event", "") == name;
}

/// Waits (10 s) for the "started" line of `watch`; a fatal failure showing its output if none.
inline void expect_started(WatchChild& watch) {
  ASSERT_GT(watch.pid(), 0);
  auto started = watch.wait_for([](auto& j) { return is_event(j, "started"); },
                                Clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(started) << "no started event: " << watch.all_output();
}

}  // namespace hangscope::live
