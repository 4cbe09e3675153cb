// Text and JSON for `ftrace diff`.
#include <fmt/format.h>

#include <algorithm>

#include "ftrace/diff.h"
#include "ftrace/trace_scan.h"

namespace hangscope::ftrace {
namespace {

std::string join_path(const std::vector<std::string>& path) {
  std::string out;
  size_t i = 0;
  if (!path.empty() && path[0] == "?") {
    out = "...";
    while (i < path.size() && path[i] == "?") ++i;
  }
  for (; i < path.size(); ++i) out += (out.empty() ? "" : " -> ") + escape_text(path[i]);
  return out.empty() ? "(top level)" : out;
}

std::string render_context(const std::vector<ContextLine>& lines) {
  int base = INT32_MAX;
  for (const auto& l : lines) base = std::min(base, l.step.depth);
  std::string out;
  for (const auto& l : lines) {
    std::string line = l.step.line ? std::to_string(l.step.line) : "-";
    out += fmt::format("  {} {:>8}  {}{}\n", l.marked ? ">>" : "  ", line,
                       std::string(static_cast<size_t>(std::min(l.step.depth - base, 30)) * 2, ' '),
                       escape_text(step_text(l.step)));
  }
  return out;
}

nlohmann::json context_json(const std::vector<ContextLine>& lines) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& l : lines) {
    const char* kind = l.step.kind == StepKind::kEnter  ? "enter"
                       : l.step.kind == StepKind::kExit ? "exit"
                                                        : "leaf";
    nlohmann::json j = {
        {"event", kind}, {"depth", l.step.depth}, {"function", l.step.func}, {"marked", l.marked}};
    if (l.step.line) j["line"] = l.step.line;
    if (l.step.repeat > 1) j["repeat"] = l.step.repeat;
    a.push_back(std::move(j));
  }
  return a;
}

}  // namespace

std::string render_diff_text(const DiffReport& r) {
  std::string out =
      fmt::format("GOOD {}: task {}, {} calls compared, {} call paths\n", escape_text(r.good_file),
                  escape_text(r.good_task), r.good_steps, r.good_paths);
  out += fmt::format("BAD  {}: task {}, {} calls compared\n", escape_text(r.bad_file),
                     escape_text(r.bad_task), r.bad_steps);
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  if (r.divergences.empty()) {
    out += "\nno divergence: every call BAD makes, GOOD also made at the same call path\n";
  }
  for (size_t i = 0; i < r.divergences.size(); ++i) {
    const Divergence& d = r.divergences[i];
    out +=
        fmt::format("\n{} divergence: BAD line {} calls {}()\n  in {}\n", i == 0 ? "first" : "next",
                    d.bad_line, escape_text(d.func), join_path(d.path));
    std::string calls;
    for (const auto& c : d.good_calls_here) calls += (calls.empty() ? "" : ", ") + escape_text(c);
    out +=
        fmt::format("  GOOD was at this path {} time{} and never calls {}() there; it calls: {}\n",
                    d.good_times_here, d.good_times_here == 1 ? "" : "s", escape_text(d.func),
                    calls.empty() ? "nothing (returns)" : calls);
  }
  if (r.divergences_total > r.divergences.size())
    out += fmt::format("  ({} more divergences after this one; --max-divergences N lists them)\n",
                       r.divergences_total - r.divergences.size());
  if (!r.bad_context.empty())
    out += fmt::format("\nBAD {}:\n", escape_text(r.bad_file)) + render_context(r.bad_context);
  if (!r.good_context.empty())
    out += fmt::format("{} {}:\n", r.good_context_note, escape_text(r.good_file)) +
           render_context(r.good_context);

  const StuckTask& t = r.bad_open;
  if (t.calls.empty()) {
    out += "\nBAD's task returned from every call before the end of its trace\n";
  } else {
    out += fmt::format("\nBAD's open calls at the end ({}): {}\n", escape_text(t.label),
                       open_path(t.calls));
    for (const auto& c : t.calls) {
      if (c.origin != FrameOrigin::kTraced) continue;
      out += fmt::format(
          "  {:>8}  {}{}{}\n", c.line_no,
          std::string(static_cast<size_t>(std::min(c.depth, 30)) * 2, ' '), escape_text(c.func),
          c.has_age ? "  (entered " + format_seconds(c.entered_before_end_s) + " before the end)"
                    : "");
    }
  }
  if (r.stop.known) {
    const StopPoint& s = r.stop;
    if (s.good_returned > 0 && s.good_open_at_end == 0)
      out += fmt::format(
          "BAD stops inside {}(): GOOD returned from it at this path {} of {} time{}\n",
          escape_text(s.func), s.good_returned, s.good_entered, s.good_entered == 1 ? "" : "s");
    else if (s.good_open_at_end > 0)
      out += fmt::format("GOOD's trace also ends inside {}() at this path\n", escape_text(s.func));
  }
  return out;
}

nlohmann::json diff_to_json(const DiffReport& r) {
  nlohmann::json j;
  j["schema"] = "hangscope-ftrace-diff/1";
  j["good"] = {{"file", r.good_file},
               {"task", r.good_task},
               {"calls", r.good_steps},
               {"call_paths", r.good_paths}};
  j["bad"] = {{"file", r.bad_file}, {"task", r.bad_task}, {"calls", r.bad_steps}};
  j["divergences_total"] = r.divergences_total;
  j["divergences"] = nlohmann::json::array();
  for (const auto& d : r.divergences)
    j["divergences"].push_back({{"bad_line", d.bad_line},
                                {"function", d.func},
                                {"path", d.path},
                                {"good_calls_here", d.good_calls_here},
                                {"good_times_here", d.good_times_here}});
  j["context"] = {{"bad", context_json(r.bad_context)},
                  {"good", context_json(r.good_context)},
                  {"good_note", r.good_context_note}};
  nlohmann::json open = nlohmann::json::array();
  for (const auto& c : r.bad_open.calls) {
    nlohmann::json jc = {{"function", c.func}, {"depth", c.depth}};
    if (c.line_no) jc["line"] = c.line_no;
    if (c.has_age) jc["entered_before_end_s"] = c.entered_before_end_s;
    open.push_back(std::move(jc));
  }
  j["bad_open_calls"] = std::move(open);
  j["bad_open_path"] = open_path(r.bad_open.calls);
  if (r.stop.known)
    j["stop"] = {{"function", r.stop.func},
                 {"path", r.stop.path},
                 {"good_entered", r.stop.good_entered},
                 {"good_returned", r.stop.good_returned},
                 {"good_open_at_end", r.stop.good_open_at_end}};
  j["notes"] = r.notes;
  return j;
}

}  // namespace hangscope::ftrace
