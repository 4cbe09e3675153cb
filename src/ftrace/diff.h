// `hangscope ftrace diff GOOD BAD`: where BAD's calls leave the paths GOOD took.
//
// GOOD's run becomes a calling-context tree (every distinct call path, noise removed); BAD is
// streamed through it. The first BAD call at a path GOOD never took is the divergence. Order,
// durations, addresses and loop counts are ignored, so 100 vs 3 loop iterations align.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "ftrace/call_steps.h"
#include "ftrace/stuck.h"

namespace hangscope::ftrace {

struct DiffOptions {
  std::string good_task, bad_task;  ///< comm, pid or label; empty = choose (see diff_traces)
  bool keep_noise = false;          ///< compare cond_resched, spinlocks, ... too
  std::vector<std::string> noise;   ///< extra noise patterns ("name", "prefix*", "*suffix")
  size_t context = 4;               ///< steps of context before and after, each side
  size_t max_divergences = 1;       ///< divergences listed (all are counted)
};

/// A point where BAD does something GOOD never did at the same call path.
struct Divergence {
  uint64_t bad_line = 0;
  std::string func;               ///< the call BAD makes there
  std::vector<std::string> path;  ///< BAD's open calls around it, outermost first ("?" unknown)
  std::vector<std::string> good_calls_here;  ///< what GOOD calls at that path, most frequent first
  uint64_t good_times_here = 0;              ///< how often GOOD was at that path
};

/// Where BAD's trace ends, compared with GOOD.
struct StopPoint {
  bool known = false;  ///< false: BAD's open calls are all on paths GOOD never took
  std::string func;    ///< deepest open BAD call whose path GOOD also took
  std::vector<std::string> path;
  uint64_t good_entered = 0, good_returned = 0, good_open_at_end = 0;
};

/// One step of context, as in the trace.
struct ContextLine {
  Step step;
  bool marked = false;  ///< the divergence (BAD) or the matching point (GOOD)
};

struct DiffReport {
  std::string good_file, bad_file, good_task, bad_task;
  uint64_t good_steps = 0, bad_steps = 0;  ///< calls compared (after noise removal)
  size_t good_paths = 0;                   ///< distinct call paths in GOOD
  std::vector<Divergence> divergences;
  uint64_t divergences_total = 0;
  StopPoint stop;
  std::vector<ContextLine> good_context, bad_context;
  std::string good_context_note;  ///< which occurrence of the path the GOOD context shows
  StuckTask bad_open;             ///< BAD's open calls at the end (noise included)
  std::vector<std::string> notes;
};

/// Compares the chosen task of GOOD with the chosen task of BAD. BAD's task defaults to the one
/// with open calls and the most calls; GOOD's to the one with BAD's comm and the most calls,
/// else the one with the most calls. Error (one line naming the file): unreadable or not
/// function_graph text, unseekable input (stdin), no task matching an option.
Result<DiffReport> diff_traces(const std::string& good, const std::string& bad,
                               const DiffOptions& opts);

std::string render_diff_text(const DiffReport& r);
/// {"schema": "hangscope-ftrace-diff/1", ...}
nlohmann::json diff_to_json(const DiffReport& r);

}  // namespace hangscope::ftrace
