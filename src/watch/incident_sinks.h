// Where an incident goes besides watch's own output: the flight recorder (--record) and the
// exec hook (--exec). The watchdog hands each incident over without waiting and, once per
// sweep, prints what the workers did (recorded, failed, dropped, hook results) as event lines.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "watch/episode_record.h"
#include "watch/exec_hook.h"
#include "watch/incident_counters.h"
#include "watch/recorder.h"

namespace hangscope::watch {

struct IncidentOptions {
  std::optional<RecorderOptions> record;
  std::optional<ExecOptions> exec;
};

class IncidentSinks {
 public:
  /// Starts the workers; fails with one line when DIR cannot be created or listed (a DIR that
  /// does not answer within 2 s is not an error: a line says so later).
  static Result<std::unique_ptr<IncidentSinks>> start(const IncidentOptions& options);

  /// One sweep's stuck episodes (`entries`, with what watch printed for each in `outputs`) and
  /// the snapshot they were analyzed on (copied only when the rate limit lets it be recorded).
  void on_incident(std::uint64_t now_ns, const std::vector<EpisodeRecord::Entry>& entries,
                   const std::vector<StuckOutput>& outputs, const Result<model::Snapshot>& snap);

  /// Event lines (JSON lines, or text) about what the workers did since the last call.
  std::vector<std::string> take_lines(bool json, const std::string& time);

  IncidentCounters counters() const;
  /// The counters as the summary event's "incidents" member / a text fragment.
  nlohmann::json summary_json() const;
  std::string summary_text() const;

  /// Waits a bounded time for queued work (the recorder up to 5 s, the hook up to its timeout
  /// plus 2 s), then abandons what still runs.
  void stop();

 private:
  IncidentSinks() = default;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<ExecHook> exec_;
  std::uint64_t reported_drops_ = 0, exec_reported_drops_ = 0;
  bool said_pending_ = false;
  ExecCounters exec_counts_;
};

}  // namespace hangscope::watch
