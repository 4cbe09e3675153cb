// Findings as a Graphviz picture of the wait-for graph.
#pragma once

#include <string>

#include "analyze/findings.h"

namespace hangscope::report {

/// A `digraph` with one node per task (stopped: orange, dead: red, D: grey) and one edge per
/// hop labelled with the lock and its object. Labels are escaped for DOT.
std::string render_dot(const analyze::Findings& findings);

}  // namespace hangscope::report
