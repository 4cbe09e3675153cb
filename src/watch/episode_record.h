// What watch prints for a stuck episode, rendered from (event, snapshot) by one function, and
// the flight recorder's replay file: the episodes of one incident with the snapshot they were
// analyzed on ("schema": "hangscope-episode/1"). `hangscope analyze FILE` on that file renders
// the same episodes again, so it prints byte for byte what watch printed (text or --json).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "model/snapshot.h"
#include "watch/episode.h"

namespace hangscope::watch {

inline constexpr std::string_view kEpisodeSchema = "hangscope-episode/1";

/// One stuck episode as watch prints it, in both forms.
struct StuckOutput {
  std::string text;       ///< stuck_text(...)
  std::string json_line;  ///< json_line(stuck_json(...)) + "\n"
};

/// Analyzes `snap` for the episode's task (as `why PID` does) and renders the stuck event.
/// `snap` null: no chain, with `why_no_chain` as the reason. Never throws.
StuckOutput render_stuck(const StuckEvent& e, const model::Snapshot* snap, const std::string& time,
                         const std::string& why_no_chain);

/// The episodes one sweep reported, with the snapshot they were analyzed on.
struct EpisodeRecord {
  struct Entry {
    StuckEvent event;
    std::string time;  ///< as printed
  };
  std::vector<Entry> episodes;
  std::optional<model::Snapshot> snapshot;  ///< absent when the snapshot could not be taken
  std::string why_no_chain;                 ///< the collection error when absent
};

/// The replay file's JSON.
nlohmann::json episode_record_to_json(const EpisodeRecord& r);

/// True when `j` is a replay file (its "schema" is kEpisodeSchema).
bool is_episode_record(const nlohmann::json& j);

/// Reads a replay file; errors name `origin` and the problem.
Result<EpisodeRecord> episode_record_from_json(const nlohmann::json& j, std::string_view origin);

/// What watch printed for the record's episodes, in order: text, or JSON lines.
std::string replay_episode_record(const EpisodeRecord& r, bool json);

}  // namespace hangscope::watch
