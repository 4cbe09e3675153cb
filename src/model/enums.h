// Names of the model's enums, as used in JSON and text (stable: part of the schema).
#pragma once

#include <optional>
#include <string_view>

#include "model/snapshot.h"

namespace hangscope::model {

std::string_view to_string(TaskState v);
std::string_view to_string(LockKind v);
std::string_view to_string(LockMode v);
std::string_view to_string(Confidence v);
std::string_view to_string(ObjectType v);

/// Parses a name produced by to_string; nullopt for an unknown name.
std::optional<TaskState> task_state_from(std::string_view s);
std::optional<LockKind> lock_kind_from(std::string_view s);
std::optional<LockMode> lock_mode_from(std::string_view s);
std::optional<Confidence> confidence_from(std::string_view s);
std::optional<ObjectType> object_type_from(std::string_view s);

/// The TaskState for a /proc/PID/stat state letter ('D', 'T', 't', ...).
TaskState task_state_from_letter(char c);

}  // namespace hangscope::model
