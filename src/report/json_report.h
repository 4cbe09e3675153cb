// Findings as JSON, schema "hangscope/1" (docs/json-schema.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analyze/findings.h"
#include "model/snapshot.h"

namespace hangscope::report {

inline constexpr std::string_view kFindingsSchema = "hangscope/1";

/// Name of a root-cause kind as used in JSON ("stopped_task", ...).
std::string_view to_string(analyze::RootKind k);

/// The findings (plus the snapshot's source and kernel facts) as a JSON object.
nlohmann::json findings_to_json(const analyze::Findings& f, const model::Snapshot& snap);

/// findings_to_json dumped as one line (invalid UTF-8 replaced, never throws).
std::string render_json(const analyze::Findings& f, const model::Snapshot& snap);

}  // namespace hangscope::report
