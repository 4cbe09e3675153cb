#include "watch/event_report.h"

#include <fmt/format.h>

#include <ctime>

#include "report/escape.h"
#include "report/json_report.h"
#include "report/text_report.h"

namespace hangscope::watch {

namespace {

using nlohmann::json;

json owner_json(const OwnerRef& o) {
  if (o.pid == 0) return "unknown";
  return json{{"pid", o.pid}, {"comm", o.comm}};
}

json lock_json(const Episode& e) {
  json j{{"kind", e.kind}};
  if (e.lock) {
    j["addr"] = fmt::format("{:#x}", e.lock);
    j["mode"] = std::string(lock_mode_name(e.flags));
  }
  j["owner"] = owner_json(e.owner);
  return j;
}

std::string owner_text(const OwnerRef& o) {
  if (o.pid == 0) return "unknown";
  return fmt::format("pid {} ({})", o.pid, report::escape_text(o.comm));
}

std::string lock_text(const Episode& e) {
  if (!e.lock) return e.kind.empty() ? "a wait" : report::escape_text(e.kind);
  return fmt::format("{} ({}) {:#x}", e.kind, lock_mode_name(e.flags), e.lock);
}

}  // namespace

json stuck_json(const StuckEvent& e, const analyze::Findings* f, const model::Snapshot* snap,
                const std::string& time, const std::string& why_no_chain) {
  json j = f && snap ? report::findings_to_json(*f, *snap) : json::object();
  j["event"] = "stuck";
  j["time"] = time;
  j["pid"] = e.episode.pid;
  j["comm"] = e.episode.comm;
  j["waited_seconds"] = e.waited_seconds;
  j["found_by"] = e.episode.from_snapshot ? "snapshot" : "lock_trace";
  j["lock"] = lock_json(e.episode);
  if (!f || !snap) {
    j["schema"] = report::kFindingsSchema;
    j["chains"] = json::array();
    j["cycles"] = json::array();
    j["notes"] = json::array({"no chain: " + why_no_chain});
  }
  return j;
}

json released_json(const ReleasedEvent& e, const std::string& time) {
  return json{{"event", "released"},
              {"time", time},
              {"pid", e.episode.pid},
              {"comm", e.episode.comm},
              {"lasted_seconds", e.lasted_seconds},
              {"exact", e.exact},
              {"released_by", owner_json(e.episode.owner)},
              {"lock", lock_json(e.episode)}};
}

json brief_json(const ReleasedEvent& e, const std::string& time) {
  return json{{"event", "brief_wait"},
              {"time", time},
              {"pid", e.episode.pid},
              {"comm", e.episode.comm},
              {"lasted_seconds", e.lasted_seconds},
              {"lock", lock_json(e.episode)}};
}

json started_json(double threshold_seconds, const std::string& attach_mode, bool top,
                  const std::string& time) {
  return json{{"event", "started"},
              {"time", time},
              {"threshold_seconds", threshold_seconds},
              {"attach", attach_mode},
              {"top", top}};
}

json lost_json(const TracerCounters& c, const std::string& time) {
  return json{{"event", "lost"},
              {"time", time},
              {"lost_events", c.lost()},
              {"lost_waits", c.lost_waits},
              {"lost_stats", c.lost_stats},
              {"lost_ended", c.lost_ended}};
}

json summary_json(const TracerCounters& c, std::size_t open_episodes, const std::string& time) {
  return json{{"event", "summary"},
              {"time", time},
              {"contention_events", c.events},
              {"lost_events", c.lost()},
              {"spins_skipped", c.spins_skipped},
              {"open_episodes", open_episodes}};
}

std::string json_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string stuck_text(const StuckEvent& e, const analyze::Findings* f, const std::string& time,
                       const std::string& why_no_chain) {
  std::string out = fmt::format(
      "{} STUCK pid {} ({}) waits {:.1f} s on {}, owner at the start: {}{}\n", time, e.episode.pid,
      report::escape_text(e.episode.comm), e.waited_seconds, lock_text(e.episode),
      owner_text(e.episode.owner), e.episode.from_snapshot ? " [already stuck at start-up]" : "");
  if (!f) return out + "  no chain: " + report::escape_text(why_no_chain) + "\n";
  std::string body = report::render_text(*f);
  std::string indented = "  ";
  for (char c : body) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  while (!indented.empty() && indented.back() == ' ') indented.pop_back();
  return out + indented;
}

std::string released_text(const ReleasedEvent& e, const std::string& time) {
  return fmt::format("{} RELEASED pid {} ({}) after {}{:.1f} s on {}, released by {}\n", time,
                     e.episode.pid, report::escape_text(e.episode.comm), e.exact ? "" : "~",
                     e.lasted_seconds, lock_text(e.episode), owner_text(e.episode.owner));
}

std::string brief_text(const ReleasedEvent& e, const std::string& time) {
  return fmt::format(
      "{} BRIEF pid {} ({}) waited {:.1f} s on {}, owner at the start: {} (over "
      "between two sweeps: no chain)\n",
      time, e.episode.pid, report::escape_text(e.episode.comm), e.lasted_seconds,
      lock_text(e.episode), owner_text(e.episode.owner));
}

std::string iso8601_utc(double epoch_seconds) {
  auto secs = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace hangscope::watch
