#include "ftrace/call_stack.h"

#include <algorithm>

namespace hangscope::ftrace {
namespace {

constexpr uint64_t kPidKey = 1ull << 40;
constexpr uint64_t kCpuKey = 2ull << 40;
constexpr uint64_t kIdleKey = 3ull << 40;  // pid 0 is one idle task per CPU
constexpr size_t kMaxCpu = 4096;

uint64_t pid_key(int pid, int cpu) {
  if (pid == 0) return kIdleKey | static_cast<uint64_t>(cpu < 0 ? 0 : cpu);
  return kPidKey | static_cast<uint64_t>(pid);
}

}  // namespace

std::string TaskStream::label() const {
  if (pid >= 0) return (comm.empty() ? std::string("?") : comm) + "-" + std::to_string(pid);
  if (cpu >= 0 || (key & kCpuKey)) return "cpu " + std::to_string(key & 0xffffffffu);
  return "all";
}

TaskStream* CallStackTracker::stream_by_key(uint64_t key, int pid, std::string_view comm) {
  if (last_ && last_->key == key) {
    if (!comm.empty() && last_->comm != comm) last_->comm.assign(comm);
    return last_;
  }
  auto it = index_.find(key);
  TaskStream* t = nullptr;
  if (it != index_.end()) {
    t = streams_[it->second].get();
  } else {
    if (streams_.size() >= kMaxStreams) return nullptr;
    auto s = std::make_unique<TaskStream>();
    s->key = key;
    s->pid = pid;
    s->index = streams_.size();
    index_.emplace(key, streams_.size());
    streams_.push_back(std::move(s));
    t = streams_.back().get();
  }
  if (!comm.empty() && t->comm != comm) t->comm.assign(comm);
  last_ = t;
  return t;
}

TaskStream* CallStackTracker::stream_for(const GraphLine& g) {
  if (g.pid >= 0) return stream_by_key(pid_key(g.pid, g.cpu), g.pid, g.comm);
  if (g.cpu >= 0) {
    size_t c = static_cast<size_t>(g.cpu);
    if (c < cpu_task_.size() && cpu_task_[c].pid >= 0)
      return stream_by_key(pid_key(cpu_task_[c].pid, g.cpu), cpu_task_[c].pid, cpu_task_[c].comm);
    return stream_by_key(kCpuKey | c, -1, {});
  }
  // No CPU nor task column: the task of the last switch line, whatever its CPU.
  if (no_column_task_.pid >= 0)
    return stream_by_key(pid_key(no_column_task_.pid, 0), no_column_task_.pid,
                         no_column_task_.comm);
  return stream_by_key(0, -1, {});
}

void CallStackTracker::pop(TaskStream& t, const GraphLine* exit) {
  Frame& f = t.frames[t.open - 1];
  if (!exit) ++t.missing_exits;
  if (exit && f.func.empty() && !exit->func.empty()) f.func.assign(exit->func);
  if (sink_) sink_->on_exit(t, f, exit);
  if (!f.func.empty()) t.last_func = f.func;
  --t.open;
  if (t.open > 0) {
    Frame& parent = t.frames[t.open - 1];
    ++parent.children;
    if (exit && exit->has_duration) parent.children_us += exit->duration_us;
  }
}

// Makes the stack exactly `depth` frames deep: closes deeper frames (their exits are missing)
// and adds placeholders for shallower gaps.
void CallStackTracker::settle(TaskStream& t, int depth, uint64_t line_no, bool seen_before) {
  size_t d = static_cast<size_t>(depth);
  while (t.open > d) pop(t, nullptr);
  while (t.open < d) {
    if (t.frames.size() <= t.open) t.frames.emplace_back();
    Frame& f = t.frames[t.open];
    f = Frame{};
    f.depth = static_cast<int>(t.open);
    f.origin = seen_before ? FrameOrigin::kEntryLost : FrameOrigin::kBeforeTrace;
    f.irq = !t.irq_marks.empty();
    ++t.open;
    (void)line_no;
    if (sink_) sink_->on_enter(t, f);
  }
}

void CallStackTracker::task_switch(const GraphLine& g) {
  ++stats_.task_switches;
  int cpu = g.cpu < 0 ? 0 : g.cpu;
  if (static_cast<size_t>(cpu) >= kMaxCpu) return;
  uint64_t cpu_key = kCpuKey | static_cast<uint64_t>(cpu);
  auto it = index_.find(cpu_key);
  if (it == index_.end() && no_column_task_.pid < 0) it = index_.find(0);  // the "all" stream
  uint64_t prev_key = pid_key(g.pid, cpu);
  if (it != index_.end() && !index_.count(prev_key)) {
    // The anonymous stream of this CPU was the previous task all along: name it.
    TaskStream& t = *streams_[it->second];
    size_t pos = it->second;
    index_.erase(it);
    t.key = prev_key;
    t.pid = g.pid;
    t.comm.assign(g.comm);
    index_.emplace(prev_key, pos);
  }
  if (cpu_task_.size() <= static_cast<size_t>(cpu)) cpu_task_.resize(cpu + 1);
  cpu_task_[cpu].pid = g.next_pid;
  cpu_task_[cpu].comm.assign(g.next_comm);
  no_column_task_ = cpu_task_[cpu];
  last_ = nullptr;
}

void CallStackTracker::lost(const GraphLine& g) {
  ++stats_.lost_notes;
  stats_.lost_events += g.lost_count;
  for (auto& t : streams_) {
    if (g.cpu < 0 || t->cpu == g.cpu || t->cpu < 0)
      t->lost_events += g.lost_count ? g.lost_count : 1;
  }
}

void CallStackTracker::feed(const GraphLine& g, uint64_t line_no) {
  ++stats_.lines;
  switch (g.kind) {
    case LineKind::kUnknown:
      ++stats_.unknown_lines;
      return;
    case LineKind::kIgnored:
      return;
    case LineKind::kTracerName:
      stats_.tracer.assign(g.func.substr(0, 64));
      return;
    case LineKind::kComment:
      ++stats_.comments;
      return;
    case LineKind::kTaskSwitch:
      task_switch(g);
      return;
    case LineKind::kLostEvents:
      lost(g);
      return;
    default:
      break;
  }
  ++stats_.graph_lines;
  if (g.has_columns) ++stats_.column_lines;
  TaskStream* tp = stream_for(g);
  if (!tp) {
    ++stats_.dropped_lines;
    return;
  }
  TaskStream& t = *tp;
  if (g.depth >= 0 && static_cast<size_t>(g.depth) + 1 > t.frames.size()) {
    size_t grow = static_cast<size_t>(g.depth) + 1 - t.frames.size();
    if (frames_stored_ + grow > kMaxFrames) {
      ++stats_.dropped_lines;
      return;
    }
    frames_stored_ += grow;
    t.frames.reserve(static_cast<size_t>(g.depth) + 1);
  }
  bool seen_before = t.first_line != 0;
  if (!seen_before) t.first_line = line_no;
  t.last_line = line_no;
  if (g.cpu >= 0) t.cpu = g.cpu;
  if (g.has_timestamp) {
    t.has_timestamp = true;
    t.last_s = g.timestamp_s;
    if (!stats_.has_timestamps || g.timestamp_s > stats_.end_s) stats_.end_s = g.timestamp_s;
    stats_.has_timestamps = true;
  }
  switch (g.kind) {
    case LineKind::kIrqEnter:
      if (t.irq_marks.size() < 64) t.irq_marks.push_back(t.open);
      return;
    case LineKind::kIrqExit:
      if (!t.irq_marks.empty()) t.irq_marks.pop_back();
      return;
    case LineKind::kEntry: {
      settle(t, g.depth, line_no, seen_before);
      if (t.frames.size() <= t.open) t.frames.emplace_back();
      Frame& f = t.frames[t.open];
      f.func.assign(g.func);
      f.depth = g.depth;
      f.line_no = line_no;
      f.has_timestamp = g.has_timestamp;
      f.entry_s = g.timestamp_s;
      f.children_us = 0;
      f.children = 0;
      f.irq = !t.irq_marks.empty();
      f.origin = FrameOrigin::kTraced;
      ++t.open;
      ++t.calls;
      t.last_func.assign(g.func);
      if (sink_) sink_->on_enter(t, f);
      return;
    }
    case LineKind::kLeaf: {
      settle(t, g.depth, line_no, seen_before);
      ++t.calls;
      t.last_func.assign(g.func);
      if (t.open > 0) {
        Frame& parent = t.frames[t.open - 1];
        ++parent.children;
        if (g.has_duration) parent.children_us += g.duration_us;
      }
      if (sink_) sink_->on_leaf(t, g, g.depth, !t.irq_marks.empty(), line_no);
      return;
    }
    case LineKind::kExit:
      settle(t, g.depth + 1, line_no, seen_before);
      pop(t, &g);
      return;
    default:
      return;
  }
}

}  // namespace hangscope::ftrace
