// Findings as terminal-safe text.
#pragma once

#include <string>

#include "analyze/findings.h"

namespace hangscope::report {

/// The chains, cycles and notes as text for a person. Control bytes in comm/paths are escaped.
std::string render_text(const analyze::Findings& findings);

/// "rw-semaphore", "mutex", "FUSE request", ... for a lock kind.
std::string_view kind_phrase(model::LockKind kind);

}  // namespace hangscope::report
