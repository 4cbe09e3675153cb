// Watch events as JSON lines and terminal text. A "stuck" event carries the same chain report
// as `hangscope scan --json` (schema hangscope/1, docs/json-schema.md) plus:
//   {"event":"stuck", "time":ISO8601, "pid", "comm", "waited_seconds",
//    "found_by":"lock_trace"|"snapshot", "lock":{"addr","kind","mode","owner":{"pid","comm"}}}
//   {"event":"released", "time", "pid", "comm", "lasted_seconds", "exact",
//    "released_by":{"pid","comm"} | "unknown", "lock":{...}}
//   {"event":"started", "time", "threshold_seconds", "attach":"tp_btf"|"raw_tp", "top"}
//   {"event":"lost", "time", "lost_events", "lost_waits", "lost_stats", "lost_ended"}
//   {"event":"summary", "time", "contention_events", "lost_events", "spins_skipped",
//   "open_episodes"}
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analyze/findings.h"
#include "model/snapshot.h"
#include "watch/episode.h"

namespace hangscope::watch {

/// The stuck event; `findings`/`snap` may be null when no snapshot could be taken (then the
/// event carries "notes" saying why). Never throws.
nlohmann::json stuck_json(const StuckEvent& e, const analyze::Findings* findings,
                          const model::Snapshot* snap, const std::string& time,
                          const std::string& why_no_chain = "");

/// The released event.
nlohmann::json released_json(const ReleasedEvent& e, const std::string& time);

/// The started event (printed once the tracepoints are attached).
nlohmann::json started_json(double threshold_seconds, const std::string& attach_mode, bool top,
                            const std::string& time);

/// The lost-events event (emitted when the lost counters grew).
nlohmann::json lost_json(const TracerCounters& c, const std::string& time);

/// The summary event (at exit).
nlohmann::json summary_json(const TracerCounters& c, std::size_t open_episodes,
                            const std::string& time);

/// One JSON line (no newline), invalid UTF-8 replaced.
std::string json_line(const nlohmann::json& j);

/// Terminal text for a stuck event: a headline plus the chain (render_text), escaped.
std::string stuck_text(const StuckEvent& e, const analyze::Findings* findings,
                       const std::string& time, const std::string& why_no_chain = "");

/// One line for a released event.
std::string released_text(const ReleasedEvent& e, const std::string& time);

/// A wait over the threshold that began and ended between two sweeps (SweepEvents::brief):
/// event "brief_wait" with the lock, its owner at the start and how long it lasted.
nlohmann::json brief_json(const ReleasedEvent& e, const std::string& time);
/// The same as one text line ("... BRIEF pid N (comm) waited 2.3 s on ..., owner ...").
std::string brief_text(const ReleasedEvent& e, const std::string& time);

/// "2026-11-25T16:30:01Z" for a wall-clock time in seconds since the epoch.
std::string iso8601_utc(double epoch_seconds);

}  // namespace hangscope::watch
