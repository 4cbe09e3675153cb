#include "ftrace/diff.h"

#include <sys/stat.h>

#include <tuple>

#include "ftrace/diff_walk.h"
#include "ftrace/trace_scan.h"

namespace hangscope::ftrace {
namespace {

bool task_matches(const TaskStream& t, const std::string& want) {
  return want == t.label() || want == t.comm || (t.pid >= 0 && want == std::to_string(t.pid));
}

std::string task_list(const CallStackTracker& tr) {
  std::string out;
  size_t n = 0;
  for (const auto& t : tr.streams()) {
    if (n++ == 8) return out + ", ...";
    out += (out.empty() ? "" : ", ") + escape_text(t->label());
  }
  return out;
}

size_t traced_open(const TaskStream& t) {
  size_t n = 0;
  for (const Frame& f : t.stack()) n += f.origin == FrameOrigin::kTraced;
  return n;
}

/// BAD: prefer a task with traced open calls, then one whose comm GOOD also has, then the most
/// calls.
Result<const TaskStream*> choose_bad(const CallStackTracker& tr, const std::string& file,
                                     const std::string& want, const CallStackTracker& good) {
  auto in_good = [&](const TaskStream& t) {
    if (t.comm.empty()) return false;
    for (const auto& g : good.streams())
      if (g->comm == t.comm) return true;
    return false;
  };
  auto rank = [&](const TaskStream& t) {
    return std::tuple(traced_open(t) > 0, in_good(t), t.calls);
  };
  const TaskStream* best = nullptr;
  for (const auto& sp : tr.streams()) {
    const TaskStream& t = *sp;
    if (!want.empty() && !task_matches(t, want)) continue;
    if (!best || rank(t) > rank(*best)) best = &t;
  }
  if (!best)
    return make_error(file + ": no task '" + escape_text(want) + "' (tasks: " + task_list(tr) +
                      ")");
  return best;
}

/// GOOD: the task with BAD's comm and the most calls, else the one with the most calls.
Result<const TaskStream*> choose_good(const CallStackTracker& tr, const std::string& file,
                                      const std::string& want, const std::string& bad_comm) {
  const TaskStream* best = nullptr;
  for (const auto& sp : tr.streams()) {
    const TaskStream& t = *sp;
    if (!want.empty() && !task_matches(t, want)) continue;
    if (!best) {
      best = &t;
      continue;
    }
    bool a = !bad_comm.empty() && t.comm == bad_comm,
         b = !bad_comm.empty() && best->comm == bad_comm;
    if (a != b ? a : t.calls > best->calls) best = &t;
  }
  if (!best)
    return make_error(file + ": no task '" + escape_text(want) + "' (tasks: " + task_list(tr) +
                      ")");
  return best;
}

Status need_regular_file(const std::string& path, const char* role) {
  struct stat st {};
  if (path == "-")
    return make_error(std::string(role) + " '-': diff reads each trace several times; pass a file");
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return make_error(path + ": not a regular file (diff reads each trace several times)");
  return Unit{};
}

/// Re-reads `path`, following task `index` and feeding the normalized steps to `sink`.
Result<uint64_t> replay(const std::string& path, size_t index, const NoiseFilter& noise,
                        StepSink& sink, const bool* stop = nullptr) {
  StepNormalizer norm(noise, index, sink);
  CallStackTracker tracker(&norm);
  auto st = scan_trace_file(path, tracker, stop);
  if (!st) return st.error();
  norm.finish();
  return norm.steps();
}

}  // namespace

Result<DiffReport> diff_traces(const std::string& good, const std::string& bad,
                               const DiffOptions& opts) {
  for (auto [p, role] : {std::pair{good, "GOOD"}, std::pair{bad, "BAD"}}) {
    auto st = need_regular_file(p, role);
    if (!st) return st.error();
  }
  CallStackTracker good_pass, bad_pass;
  if (auto st = scan_trace_file(good, good_pass); !st) return st.error();
  if (auto st = scan_trace_file(bad, bad_pass); !st) return st.error();
  auto bad_task = choose_bad(bad_pass, bad, opts.bad_task, good_pass);
  if (!bad_task) return bad_task.error();
  auto good_task = choose_good(good_pass, good, opts.good_task, (*bad_task)->comm);
  if (!good_task) return good_task.error();

  NoiseFilter noise = opts.keep_noise ? NoiseFilter() : NoiseFilter::defaults();
  for (const auto& p : opts.noise) noise.add(p);

  DiffReport r;
  r.good_file = good;
  r.bad_file = bad;
  r.good_task = (*good_task)->label();
  r.bad_task = (*bad_task)->label();
  r.bad_open = stuck_task(**bad_task, bad_pass.stats());
  if (good_pass.streams().size() > 1 || bad_pass.streams().size() > 1)
    r.notes.push_back("comparing GOOD task " + escape_text(r.good_task) + " with BAD task " +
                      escape_text(r.bad_task) + " (choose with --good-task/--bad-task)");
  for (auto [pass, name] : {std::pair{&good_pass, "GOOD"}, std::pair{&bad_pass, "BAD"}})
    if (pass->stats().lost_events || pass->stats().lost_notes)
      r.notes.push_back(std::string(name) + " lost events: calls may be missing around the loss");

  ContextTree tree;
  ContextTreeBuilder builder(tree);
  auto gsteps = replay(good, (*good_task)->index, noise, builder);
  if (!gsteps) return gsteps.error();
  builder.finish();
  r.good_steps = *gsteps;
  r.good_paths = tree.size() - 1;
  if (tree.full())
    r.notes.push_back("GOOD has more than " + std::to_string(ContextTree::kMaxNodes) +
                      " distinct call paths; later ones were not compared");

  BadWalker walker(tree, opts.context, opts.max_divergences);
  auto bsteps = replay(bad, (*bad_task)->index, noise, walker);
  if (!bsteps) return bsteps.error();
  r.bad_steps = *bsteps;
  walker.finish(r);
  GoodAnchor anchor = walker.result(r);
  if (anchor.valid) {
    GoodContextFinder finder(tree, anchor, opts.context);
    auto st = replay(good, (*good_task)->index, noise, finder, finder.done());
    if (!st) return st.error();
    r.good_context = finder.take();
    std::string where = anchor.node == ContextTree::kRoot ? std::string("the trace")
                                                          : std::string(tree.name(anchor.node));
    r.good_context_note = finder.anchored()
                              ? "GOOD at the same point (call " +
                                    std::to_string(anchor.occurrence) + " of " + where + ")"
                              : "GOOD's last calls";
  }
  return r;
}

}  // namespace hangscope::ftrace
