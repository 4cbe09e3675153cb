#include "ftrace/stuck.h"

#include <fmt/format.h>

#include <algorithm>

#include "ftrace/trace_scan.h"

namespace hangscope::ftrace {

bool is_sleep_function(std::string_view f) {
  return f == "schedule" || f == "__schedule" || f == "io_schedule" || f == "schedule_timeout" ||
         f == "schedule_preempt_disabled" || f == "schedule_hrtimeout_range" ||
         f == "io_schedule_timeout" || f == "schedule_idle" || f == "do_nanosleep";
}

StuckTask stuck_task(const TaskStream& t, const TraceStats& stats) {
  StuckTask s;
  s.label = t.label();
  s.comm = t.comm;
  s.pid = t.pid;
  s.cpu = t.cpu;
  s.last_line = t.last_line;
  s.calls_total = t.calls;
  s.missing_exits = t.missing_exits;
  s.lost_events = t.lost_events;
  s.last_func = t.last_func;
  if (t.has_timestamp && stats.has_timestamps) {
    s.has_idle = true;
    s.idle_before_end_s = stats.end_s - t.last_s;
  }
  for (const Frame& f : t.stack()) {
    OpenCall c;
    c.func = f.func;
    c.depth = f.depth;
    c.line_no = f.line_no;
    c.origin = f.origin;
    c.irq = f.irq;
    c.children_us = f.children_us;
    c.children = f.children;
    if (f.has_timestamp && stats.has_timestamps) {
      c.has_age = true;
      c.entered_before_end_s = stats.end_s - f.entry_s;
    }
    s.calls.push_back(std::move(c));
  }
  s.sleeping = !s.calls.empty() && is_sleep_function(s.calls.back().func);
  return s;
}

StuckReport stuck_from_tracker(const CallStackTracker& tracker, const std::string& file,
                               const std::string& task_filter) {
  StuckReport r;
  r.file = file;
  r.stats = tracker.stats();
  r.tasks_seen = tracker.streams().size();
  for (const auto& sp : tracker.streams()) {
    const TaskStream& t = *sp;
    if (t.open == 0) continue;
    if (!task_filter.empty() && task_filter != t.label() && task_filter != t.comm &&
        task_filter != std::to_string(t.pid))
      continue;
    r.tasks.push_back(stuck_task(t, r.stats));
  }
  std::stable_sort(r.tasks.begin(), r.tasks.end(), [](const StuckTask& a, const StuckTask& b) {
    if (a.has_idle && b.has_idle && a.idle_before_end_s != b.idle_before_end_s)
      return a.idle_before_end_s > b.idle_before_end_s;
    if (a.sleeping != b.sleeping) return a.sleeping;
    return a.calls.size() > b.calls.size();
  });
  return r;
}

Result<StuckReport> find_stuck(const std::string& path, const std::string& task_filter) {
  CallStackTracker tracker;
  auto st = scan_trace_file(path, tracker);
  if (!st) return st.error();
  return stuck_from_tracker(tracker, path, task_filter);
}

std::string open_path(const std::vector<OpenCall>& calls) {
  std::string out;
  bool leading = true;
  for (const auto& c : calls) {
    if (leading && c.origin == FrameOrigin::kBeforeTrace && c.func.empty()) {
      if (out.empty()) out = "...";
      continue;
    }
    leading = false;
    if (!out.empty()) out += " -> ";
    out += c.func.empty() ? "?" : escape_text(c.func);
  }
  return out;
}

namespace {

const char* origin_name(FrameOrigin o) {
  switch (o) {
    case FrameOrigin::kTraced:
      return "traced";
    case FrameOrigin::kBeforeTrace:
      return "before_trace";
    case FrameOrigin::kEntryLost:
      return "entry_lost";
  }
  return "?";
}

}  // namespace

std::string render_stuck_text(const StuckReport& r) {
  const TraceStats& st = r.stats;
  std::string out = fmt::format(
      "{}: {} lines, {} call lines, {} task{}, {}; {} task{} with calls still open at the end\n",
      escape_text(r.file), st.lines, st.graph_lines, r.tasks_seen, r.tasks_seen == 1 ? "" : "s",
      st.has_timestamps ? "timestamps" : "no timestamps", r.tasks.size(),
      r.tasks.size() == 1 ? "" : "s");
  if (st.dropped_lines)
    out += fmt::format("  note: {} lines dropped (more than {} tasks or too many open calls)\n",
                       st.dropped_lines, CallStackTracker::kMaxStreams);
  if (st.unknown_lines)
    out += fmt::format("  note: {} lines not understood (skipped)\n", st.unknown_lines);
  if (st.lost_notes)
    out += fmt::format(
        "  note: the ring buffer lost events ({} note{}, {} events): stacks after a "
        "loss may miss calls\n",
        st.lost_notes, st.lost_notes == 1 ? "" : "s", st.lost_events);
  for (const auto& t : r.tasks) {
    out += fmt::format("\n{}: {} open call{}{}, last line {}", escape_text(t.label), t.calls.size(),
                       t.calls.size() == 1 ? "" : "s",
                       t.sleeping ? ", sleeping in " + escape_text(t.calls.back().func) : "",
                       t.last_line);
    if (!t.last_func.empty()) out += fmt::format(" ({})", escape_text(t.last_func));
    if (t.has_idle)
      out += fmt::format(", silent for the last {}", format_seconds(t.idle_before_end_s));
    out += "\n  " + open_path(t.calls) + "\n";
    out += fmt::format("  {:>5}  {:>8}  {:>18}  {}\n", "depth", "line", "entered before end",
                       "function");
    for (const auto& c : t.calls) {
      std::string line = c.line_no ? std::to_string(c.line_no) : "-";
      std::string age = c.has_age ? format_seconds(c.entered_before_end_s)
                        : c.origin == FrameOrigin::kBeforeTrace ? "before the trace"
                        : c.origin == FrameOrigin::kEntryLost   ? "entry lost"
                                                                : "-";
      std::string name = c.func.empty() ? "?" : escape_text(c.func);
      if (c.irq) name += " [irq]";
      if (c.children)
        name += fmt::format("  ({} finished call{}{})", c.children, c.children == 1 ? "" : "s",
                            c.children_us > 0 ? fmt::format(", {:.3f} us", c.children_us) : "");
      out += fmt::format("  {:>5}  {:>8}  {:>18}  {}{}\n", c.depth, line, age,
                         std::string(static_cast<size_t>(std::min(c.depth, 20)) * 2, ' '), name);
    }
    if (t.lost_events)
      out += fmt::format("  note: {} events lost on this task's CPU\n", t.lost_events);
  }
  if (r.tasks.empty()) out += "every traced call returned before the end of the trace\n";
  return out;
}

nlohmann::json stuck_to_json(const StuckReport& r) {
  nlohmann::json j;
  j["schema"] = "hangscope-ftrace-stuck/1";
  j["file"] = r.file;
  j["lines"] = r.stats.lines;
  j["call_lines"] = r.stats.graph_lines;
  j["unknown_lines"] = r.stats.unknown_lines;
  j["lost_events"] = r.stats.lost_events;
  j["tasks_seen"] = r.tasks_seen;
  if (r.stats.has_timestamps) j["end_s"] = r.stats.end_s;
  j["tasks"] = nlohmann::json::array();
  for (const auto& t : r.tasks) {
    nlohmann::json jt = {{"task", t.label},
                         {"last_line", t.last_line},
                         {"sleeping", t.sleeping},
                         {"path", open_path(t.calls)},
                         {"missing_exits", t.missing_exits},
                         {"lost_events", t.lost_events}};
    if (t.pid >= 0) jt["pid"] = t.pid, jt["comm"] = t.comm;
    if (t.cpu >= 0) jt["cpu"] = t.cpu;
    if (t.has_idle) jt["silent_s"] = t.idle_before_end_s;
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : t.calls) {
      nlohmann::json jc = {{"function", c.func},
                           {"depth", c.depth},
                           {"origin", origin_name(c.origin)},
                           {"irq", c.irq},
                           {"finished_children", c.children},
                           {"children_us", c.children_us}};
      if (c.line_no) jc["line"] = c.line_no;
      if (c.has_age) jc["entered_before_end_s"] = c.entered_before_end_s;
      calls.push_back(std::move(jc));
    }
    jt["open_calls"] = std::move(calls);
    j["tasks"].push_back(std::move(jt));
  }
  return j;
}

}  // namespace hangscope::ftrace
