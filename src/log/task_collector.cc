#include "log/task_collector.h"

#include "log/blocker_line.h"
#include "log/call_trace.h"
#include "log/lockdep.h"
#include "log/log_parser.h"
#include "log/text_match.h"

namespace hangscope::log {

namespace {

using SV = std::string_view;

bool parse_int_after(SV t, SV key, int& v) {
  std::size_t p = t.find(key);
  if (p == SV::npos) return false;
  std::size_t i = p + key.size();
  while (i < t.size() && t[i] == ' ') ++i;
  std::size_t b = i;
  long long x = 0;
  while (i < t.size() && is_dec_digit(t[i]) && i - b < 10) x = x * 10 + (t[i++] - '0');
  v = static_cast<int>(x);
  return i > b;
}

// "task:sync            state:D stack:0     pid:20237 tgid:20237 ppid:20186 ..."
bool parse_modern_task(SV t, TaskDump& d) {
  if (!t.starts_with("task:")) return false;
  std::size_t st = t.find(" state:");
  if (st == SV::npos || st + 7 >= t.size()) return false;
  SV comm = t.substr(5, st - 5);
  while (!comm.empty() && comm.back() == ' ') comm.remove_suffix(1);
  int pid = 0, ppid = 0;
  if (!parse_int_after(t, " pid:", pid)) return false;
  d = TaskDump{};
  d.comm = std::string(comm);
  d.state = t[st + 7];
  d.pid = pid;
  if (parse_int_after(t, " ppid:", ppid)) d.ppid = ppid;
  int tgid = 0;
  if (parse_int_after(t, " tgid:", tgid)) d.tgid = tgid;
  return true;
}

// Raw stack contents printed by old kernels: " ffff88003b6b7d68 0000000000000086 ...".
bool is_stack_words(SV t) {
  std::size_t words = 0, i = 0;
  while (i < t.size()) {
    while (i < t.size() && t[i] == ' ') ++i;
    std::size_t b = i;
    while (i < t.size() && is_hex_digit(t[i])) ++i;
    if (i == b) return i == t.size() && words > 0;
    if (i - b < 8) return false;
    ++words;
  }
  return words > 0;
}

bool is_state_char(char c) { return c && std::string_view("RSDTtXZIPWKNx").find(c) != SV::npos; }

// 5.x sysrq-w: "sync            D    0 10127  10126 0x00004000" ("%-15.15s %c" then numbers).
bool parse_old_task(SV t, TaskDump& d) {
  if (t.size() < 24 || t[15] != ' ' || !is_state_char(t[16])) return false;
  if (t[17] != ' ' && !is_dec_digit(t[17])) return false;
  SV rest = t.substr(17);
  // Numbers: [stack] pid ppid 0xflags (the last token).
  std::size_t last = rest.rfind(' ');
  if (last == SV::npos || rest.substr(last + 1, 2) != "0x") return false;
  SV nums = rest.substr(0, last);
  int values[4];
  int n = 0;
  std::size_t i = 0;
  while (i < nums.size() && n < 4) {
    while (i < nums.size() && nums[i] == ' ') ++i;
    std::size_t b = i;
    long long v = 0;
    while (i < nums.size() && is_dec_digit(nums[i]) && i - b < 10) v = v * 10 + (nums[i++] - '0');
    if (i < nums.size() && nums[i] != ' ') {  // 4.x: the saved PC in hex ("ffff8800..")
      while (i < nums.size() && is_hex_digit(nums[i])) ++i;
      if (i < nums.size() && nums[i] != ' ') return false;
      continue;
    }
    if (i == b) break;
    values[n++] = static_cast<int>(v);
  }
  if (n < 2) return false;
  SV comm = t.substr(0, 15);
  while (!comm.empty() && comm.back() == ' ') comm.remove_suffix(1);
  while (!comm.empty() && comm.front() == ' ') comm.remove_prefix(1);
  if (comm.empty()) return false;
  d = TaskDump{};
  d.comm = std::string(comm);
  d.state = t[16];
  d.pid = values[n - 2];
  d.ppid = values[n - 1];
  return true;
}

template <typename T>
void upsert(std::vector<T>& list, std::unordered_map<int, std::size_t>& index, int pid, T value,
            std::size_t cap) {
  auto it = index.find(pid);
  if (it != index.end()) {
    list[it->second] = std::move(value);
  } else if (list.size() < cap) {
    index.emplace(pid, list.size());
    list.push_back(std::move(value));
  }
}

}  // namespace

bool TaskCollector::start_task(const LogLine& line) {
  TaskDump d;
  SV t = line.text;
  bool ok = parse_modern_task(t, d);
  if (!ok && old_format_budget_ > 0) ok = parse_old_task(t, d);
  if (!ok) return false;
  d.timestamp = line.timestamp;
  d.source = in_sysrq_            ? "sysrq-w"
             : after_blocker_ > 0 ? "blocker owner"
             : after_hung_ > 0    ? "hung_task"
                                  : "task dump";
  task_ = std::move(d);
  mode_ = Mode::task;
  ctx_ = line.context;
  return true;
}

void TaskCollector::feed(const LogLine& line, LogDigest& digest) {
  SV t = line.text;
  if (old_format_budget_ > 0) --old_format_budget_;
  if (after_blocker_ > 0) --after_blocker_;
  if (after_hung_ > 0) --after_hung_;
  // Lines of another printing context do not interrupt a dump.
  if (mode_ != Mode::idle && !(line.context == ctx_)) return;
  if (mode_ == Mode::task) {
    model::StackFrame f;
    if (parse_trace_frame(t, f)) {
      if (task_.stack.size() < kMaxFrames) task_.stack.push_back(std::move(f));
      return;
    }
    if (is_trace_marker(t) || is_register_line(t) || is_stack_words(t)) return;
    close(digest);
  } else if (mode_ == Mode::locks) {
    HeldLock h;
    if (parse_held_lock_entry(t, h)) {
      if (locks_.locks.size() < 64) locks_.locks.push_back(std::move(h));
      return;
    }
    close(digest);
  }
  if (t.empty()) return;
  char c0 = t[0];
  if (c0 == 'I' && t.starts_with("INFO: task ")) {
    BlockerLine b;
    if (parse_blocker_line(t, b)) {
      b.timestamp = line.timestamp;
      int pid = b.waiter_pid;
      upsert(digest.blockers, blocker_index_, pid, std::move(b), kMaxPids);
      after_blocker_ = 3;
      in_sysrq_ = false;
      return;
    }
    if (contains(t, " blocked for more than ") ||
        contains(t, " blocked in I/O wait for more than ") ||
        contains(t, " can't die for more than ")) {
      old_format_budget_ = 6;
      after_hung_ = 6;
      in_sysrq_ = false;
    }
    return;
  }
  if (contains(t, "Show Blocked State") || contains(t, "Show State")) {
    in_sysrq_ = true;
    old_format_budget_ = 100000;
    return;
  }
  if (start_task(line)) return;
  if ((is_dec_digit(c0) || c0 == 'n') && contains(t, " held by ")) {
    HeldLockDump d;
    if (parse_held_lock_header(t, d)) {
      d.timestamp = line.timestamp;
      locks_ = std::move(d);
      mode_ = Mode::locks;
      ctx_ = line.context;
    }
  }
}

void TaskCollector::close(LogDigest& digest) {
  if (mode_ == Mode::task) {
    int pid = task_.pid;
    upsert(digest.tasks, task_index_, pid, std::move(task_), kMaxPids);
  } else if (mode_ == Mode::locks) {
    int pid = locks_.pid;
    upsert(digest.held_locks, lock_index_, pid, std::move(locks_), kMaxPids);
  }
  task_ = TaskDump{};
  locks_ = HeldLockDump{};
  mode_ = Mode::idle;
}

void TaskCollector::finish(LogDigest& digest) { close(digest); }

}  // namespace hangscope::log
