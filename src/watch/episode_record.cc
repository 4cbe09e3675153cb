#include "watch/episode_record.h"

#include <fmt/format.h>

#include "analyze/analyze.h"
#include "model/snapshot_json.h"
#include "watch/event_report.h"

namespace hangscope::watch {

namespace {

using nlohmann::json;

json entry_json(const EpisodeRecord::Entry& x) {
  const Episode& e = x.event.episode;
  return json{{"time", x.time},
              {"waited_seconds", x.event.waited_seconds},
              {"pid", e.pid},
              {"tgid", e.tgid},
              {"comm", e.comm},
              {"lock", fmt::format("{:#x}", e.lock)},
              {"flags", e.flags},
              {"kind", e.kind},
              {"start_ns", e.start_ns},
              {"owner", {{"pid", e.owner.pid}, {"comm", e.owner.comm}}},
              {"from_snapshot", e.from_snapshot}};
}

EpisodeRecord::Entry entry_from_json(const json& j) {
  EpisodeRecord::Entry x;
  Episode& e = x.event.episode;
  x.time = j.at("time").get<std::string>();
  x.event.waited_seconds = j.at("waited_seconds").get<double>();
  e.pid = j.at("pid").get<int>();
  e.tgid = j.at("tgid").get<int>();
  e.comm = j.at("comm").get<std::string>();
  e.lock = std::stoull(j.at("lock").get<std::string>(), nullptr, 16);
  e.flags = j.at("flags").get<std::uint32_t>();
  e.kind = j.at("kind").get<std::string>();
  e.start_ns = j.at("start_ns").get<std::uint64_t>();
  e.owner.pid = j.at("owner").at("pid").get<int>();
  e.owner.comm = j.at("owner").at("comm").get<std::string>();
  e.from_snapshot = j.at("from_snapshot").get<bool>();
  return x;
}

}  // namespace

StuckOutput render_stuck(const StuckEvent& e, const model::Snapshot* snap, const std::string& time,
                         const std::string& why_no_chain) {
  std::optional<analyze::Findings> f;
  if (snap) {
    analyze::AnalyzeOptions ao;
    ao.only_pid = e.episode.pid;
    ao.min_stuck_seconds = 0;
    f = analyze::analyze(*snap, ao);
  }
  const analyze::Findings* fp = f ? &*f : nullptr;
  return {stuck_text(e, fp, time, why_no_chain),
          json_line(stuck_json(e, fp, snap, time, why_no_chain)) + "\n"};
}

json episode_record_to_json(const EpisodeRecord& r) {
  json episodes = json::array();
  for (const auto& x : r.episodes) episodes.push_back(entry_json(x));
  json j{{"schema", kEpisodeSchema}, {"episodes", episodes}};
  if (r.snapshot)
    j["snapshot"] = model::snapshot_to_json(*r.snapshot);
  else
    j["why_no_chain"] = r.why_no_chain;
  return j;
}

bool is_episode_record(const json& j) {
  return j.is_object() && j.contains("schema") && j["schema"] == kEpisodeSchema;
}

Result<EpisodeRecord> episode_record_from_json(const json& j, std::string_view origin) {
  if (!is_episode_record(j))
    return make_error(
        fmt::format("{}: not a hangscope episode record (expected \"schema\": \"{}\")", origin,
                    kEpisodeSchema));
  EpisodeRecord r;
  try {
    for (const json& x : j.at("episodes")) r.episodes.push_back(entry_from_json(x));
    if (j.contains("snapshot")) {
      auto s = model::snapshot_from_json(j["snapshot"]);
      if (!s.ok()) return make_error(fmt::format("{}: {}", origin, s.error().message));
      r.snapshot = std::move(*s);
    } else {
      r.why_no_chain = j.at("why_no_chain").get<std::string>();
    }
  } catch (const std::exception& e) {
    return make_error(fmt::format("{}: bad episode record: {}", origin, e.what()));
  }
  return r;
}

std::string replay_episode_record(const EpisodeRecord& r, bool json_lines) {
  std::string out;
  for (const auto& x : r.episodes) {
    StuckOutput o =
        render_stuck(x.event, r.snapshot ? &*r.snapshot : nullptr, x.time, r.why_no_chain);
    out += json_lines ? o.json_line : o.text;
  }
  return out;
}

}  // namespace hangscope::watch
