#include "watch/incident_sinks.h"

#include <fmt/format.h>

#include "report/escape.h"
#include "watch/event_report.h"

namespace hangscope::watch {

namespace {

using nlohmann::json;
using report::escape_text;

std::string recorded_line(const RecordOutcome& o, bool as_json, const std::string& time) {
  if (!o.ok) {
    if (as_json)
      return json_line({{"event", "record_failed"}, {"time", time}, {"error", o.error}}) + "\n";
    return fmt::format("{} RECORD FAILED: {}\n", time, escape_text(o.error));
  }
  if (as_json)
    return json_line({{"event", "recorded"},
                      {"time", time},
                      {"path", o.path},
                      {"bytes", o.bytes},
                      {"rotated", o.rotated},
                      {"replay", o.replay_kept},
                      {"suppressed_before", o.suppressed_before}}) +
           "\n";
  std::string s = fmt::format("{} RECORDED {} ({} bytes", time, escape_text(o.path), o.bytes);
  if (!o.rotated.empty()) s += fmt::format("; {} older record(s) rotated out", o.rotated.size());
  if (o.suppressed_before)
    s += fmt::format("; {} incident(s) before it skipped by the rate limit", o.suppressed_before);
  if (!o.replay_kept) s += "; episode.json left out: larger than --record-max-size";
  return s + ")\n";
}

std::string exec_line(const ExecResult& r, const std::string& command, bool as_json,
                      const std::string& time) {
  if (as_json) {
    json j{{"event", "exec"},          {"time", time},
           {"command", command},       {"started", r.started},
           {"timed_out", r.timed_out}, {"seconds", r.seconds},
           {"output", r.output}};
    if (r.started && !r.signal && !r.unreaped && r.exit_status >= 0)
      j["exit_status"] = r.exit_status;
    if (r.signal) j["signal"] = r.signal;
    if (r.unreaped) j["unreaped"] = true;
    if (!r.error.empty()) j["error"] = r.error;
    return json_line(j) + "\n";
  }
  std::string how;
  if (!r.started)
    how = "could not start: " + r.error;
  else if (r.timed_out)
    how = fmt::format("killed after its {:.1f} s time limit{}", r.seconds,
                      r.unreaped ? " (still not gone 1 s after SIGKILL: left behind)" : "");
  else if (r.signal)
    how = fmt::format("ended by signal {} after {:.2f} s", r.signal, r.seconds);
  else
    how = fmt::format("exited {} after {:.2f} s", r.exit_status, r.seconds);
  std::string out = r.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (out.size() > 200) out = "..." + out.substr(out.size() - 200);
  return fmt::format("{} EXEC {}: {}{}\n", time, escape_text(how), escape_text(command),
                     out.empty() ? "" : "; output: " + escape_text(out));
}

}  // namespace

Result<std::unique_ptr<IncidentSinks>> IncidentSinks::start(const IncidentOptions& o) {
  std::unique_ptr<IncidentSinks> s(new IncidentSinks());
  if (o.record) {
    auto r = Recorder::start(*o.record, std::chrono::milliseconds(2000));
    if (!r.ok()) return r.error();
    s->recorder_ = std::move(*r);
  }
  if (o.exec) s->exec_ = std::make_unique<ExecHook>(*o.exec);
  return s;
}

void IncidentSinks::on_incident(std::uint64_t now_ns,
                                const std::vector<EpisodeRecord::Entry>& entries,
                                const std::vector<StuckOutput>& outputs,
                                const Result<model::Snapshot>& snap) {
  if (entries.empty()) return;
  std::string text, json_lines;
  for (const StuckOutput& o : outputs) {
    text += o.text;
    json_lines += o.json_line;
  }
  if (exec_) exec_->offer(json_lines);
  if (!recorder_) return;
  EpisodeRecord r;
  r.episodes = entries;
  if (snap.ok())
    r.snapshot = *snap;
  else
    r.why_no_chain = snap.error().message;
  (void)recorder_->offer(now_ns, entries.front().time, std::move(r), std::move(text),
                         std::move(json_lines));
}

std::vector<std::string> IncidentSinks::take_lines(bool as_json, const std::string& time) {
  std::vector<std::string> lines;
  if (recorder_) {
    for (const RecordOutcome& o : recorder_->take_outcomes())
      lines.push_back(recorded_line(o, as_json, time));
    if (recorder_->open_pending() && !said_pending_) {
      said_pending_ = true;
      std::string why = "the directory did not answer within 2 s (is its filesystem stuck?)";
      lines.push_back(as_json ? json_line({{"event", "record_pending"},
                                           {"time", time},
                                           {"dir", recorder_->dir()},
                                           {"reason", why}}) +
                                    "\n"
                              : fmt::format("{} RECORD PENDING {}: {}\n", time,
                                            escape_text(recorder_->dir()), why));
    }
    std::uint64_t dropped = recorder_->counters().dropped;
    if (dropped > reported_drops_) {
      reported_drops_ = dropped;
      std::string why =
          "the recorder's queue is full: writes to the directory are not completing (is its "
          "filesystem the stuck one?)";
      lines.push_back(as_json ? json_line({{"event", "record_dropped"},
                                           {"time", time},
                                           {"dir", recorder_->dir()},
                                           {"dropped_total", dropped},
                                           {"reason", why}}) +
                                    "\n"
                              : fmt::format("{} RECORD DROPPED: {} incident(s) so far for {}: {}\n",
                                            time, dropped, escape_text(recorder_->dir()), why));
    }
  }
  if (exec_) {
    for (const ExecResult& r : exec_->take_results()) {
      ++exec_counts_.runs;
      if (r.timed_out) ++exec_counts_.timed_out;
      if (!r.started || r.timed_out || r.signal || r.exit_status != 0) ++exec_counts_.failed;
      lines.push_back(exec_line(r, exec_->options().command, as_json, time));
    }
    std::uint64_t dropped = exec_->dropped();
    if (dropped > exec_reported_drops_) {
      exec_reported_drops_ = dropped;
      lines.push_back(
          as_json
              ? json_line({{"event", "exec_dropped"}, {"time", time}, {"dropped_total", dropped}}) +
                    "\n"
              : fmt::format("{} EXEC DROPPED: {} run(s) so far: earlier runs are still going\n",
                            time, dropped));
    }
  }
  return lines;
}

IncidentCounters IncidentSinks::counters() const {
  IncidentCounters c;
  if (recorder_) c.record = recorder_->counters();
  if (exec_) {
    c.exec = exec_counts_;
    c.exec->dropped = exec_->dropped();
  }
  return c;
}

json IncidentSinks::summary_json() const {
  json j = json::object();
  IncidentCounters c = counters();
  if (c.record)
    j["record"] = {{"dir", recorder_->dir()},      {"written", c.record->written},
                   {"failed", c.record->failed},   {"suppressed", c.record->suppressed},
                   {"dropped", c.record->dropped}, {"rotated", c.record->rotated}};
  if (c.exec)
    j["exec"] = {{"runs", c.exec->runs},
                 {"failed", c.exec->failed},
                 {"timed_out", c.exec->timed_out},
                 {"dropped", c.exec->dropped}};
  return j;
}

std::string IncidentSinks::summary_text() const {
  IncidentCounters c = counters();
  std::string s;
  if (c.record)
    s += fmt::format(
        "; recorder: {} written, {} failed, {} skipped by the rate limit, {} dropped, "
        "{} rotated out",
        c.record->written, c.record->failed, c.record->suppressed, c.record->dropped,
        c.record->rotated);
  if (c.exec)
    s += fmt::format("; exec: {} run(s), {} failed, {} timed out, {} dropped", c.exec->runs,
                     c.exec->failed, c.exec->timed_out, c.exec->dropped);
  return s;
}

void IncidentSinks::stop() {
  if (recorder_) recorder_->stop(std::chrono::milliseconds(5000));
  if (exec_)
    exec_->stop(std::chrono::milliseconds(
        static_cast<long>(exec_->options().timeout_seconds * 1000) + 2000));
}

}  // namespace hangscope::watch
