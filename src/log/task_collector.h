// TaskCollector: the stateful line reader for everything that is not a crash report title:
// task stack dumps (hung-task reports, blocker owners, sysrq-w "show blocked state"),
// lockdep held-lock dumps and blocker lines.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "log/event.h"
#include "log/prefix.h"

namespace hangscope::log {

struct LogDigest;

/// Collects TaskDump, HeldLockDump and BlockerLine records into a LogDigest. Keeps the
/// latest record per pid, at most kMaxPids pids (later pids are ignored).
class TaskCollector {
 public:
  static constexpr std::size_t kMaxPids = 4096;
  static constexpr std::size_t kMaxFrames = 64;

  /// Feeds one prefix-stripped line.
  void feed(const LogLine& line, LogDigest& digest);
  /// Ends the input (closes an open dump).
  void finish(LogDigest& digest);

 private:
  enum class Mode { idle, task, locks };
  void close(LogDigest& digest);
  bool start_task(const LogLine& line);

  Mode mode_ = Mode::idle;
  LineContext ctx_;
  TaskDump task_;
  HeldLockDump locks_;
  int old_format_budget_ = 0;  // lines during which 5.x-era "comm D 0 pid ppid 0x.." is accepted
  bool in_sysrq_ = false;
  int after_blocker_ = 0;  // lines since a blocker line (its owner's dump follows)
  int after_hung_ = 0;     // lines since a hung-task header
  std::unordered_map<int, std::size_t> task_index_, lock_index_, blocker_index_;
};

}  // namespace hangscope::log
