// `watch --exec CMD`: a command run once per recorded-or-not incident with the incident's stuck
// events on stdin (JSON lines, as `watch --json` prints them). It runs as `/bin/sh -c CMD` in its
// own process group on a worker thread behind a bounded queue, with a time limit after which
// the whole group is killed (SIGKILL); the watchdog never waits for it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hangscope::watch {

/// How one run ended.
struct ExecResult {
  bool started = false;    ///< false: could not start (error says why)
  int exit_status = -1;    ///< exit code when it exited
  int signal = 0;          ///< the signal that ended it, 0 when it exited
  bool timed_out = false;  ///< killed at the time limit
  bool unreaped = false;   ///< still not gone 1 s after SIGKILL (stuck in the kernel): left behind
  double seconds = 0;      ///< from start to end (or to giving up)
  std::string output;      ///< the last bytes of its stdout+stderr (at most the limit)
  std::string error;
};

/// Runs `/bin/sh -c command` with `input` on stdin; blocks the calling thread at most
/// `timeout_seconds` + 1 s. SIGPIPE from a command that does not read its input is absorbed.
ExecResult run_exec_hook(const std::string& command, const std::string& input,
                         double timeout_seconds, std::size_t output_limit);

struct ExecOptions {
  std::string command;
  double timeout_seconds = 10;
  std::size_t queue = 4;            ///< runs waiting before drops begin
  std::size_t output_limit = 4096;  ///< bytes of output kept per run
};

/// The worker that runs the hook.
class ExecHook {
 public:
  explicit ExecHook(const ExecOptions& options);
  ~ExecHook();
  /// Queues one run with `input` on stdin; false when the queue is full (counted).
  bool offer(std::string input);
  /// Runs finished since the last call.
  std::vector<ExecResult> take_results();
  std::uint64_t dropped() const;
  const ExecOptions& options() const { return options_; }
  /// Waits up to `grace` for queued runs; then abandons the worker. Idempotent.
  bool stop(std::chrono::milliseconds grace);

 private:
  struct Impl;
  ExecOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hangscope::watch
