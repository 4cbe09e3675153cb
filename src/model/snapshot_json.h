// Snapshot <-> JSON ("schema": "hangscope-snapshot/1"), lossless: a saved scan replays exactly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "model/snapshot.h"

namespace hangscope::model {

inline constexpr std::string_view kSnapshotSchema = "hangscope-snapshot/1";

/// The snapshot as JSON (addresses as "0x..." strings, unknown fields as {"unknown": reason}).
nlohmann::json snapshot_to_json(const Snapshot& snap);

/// Parses JSON made by snapshot_to_json. Errors name the offending field; never throws.
Result<Snapshot> snapshot_from_json(const nlohmann::json& j);

/// Parses snapshot text; `origin` names the input in error messages ("s.json: ...").
Result<Snapshot> snapshot_from_text(std::string_view text, std::string_view origin);

}  // namespace hangscope::model
