// hangscope scan / why / analyze: collect (live or from a saved snapshot) -> analyze -> report.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "analyze/analyze.h"
#include "cli/commands.h"
#include "cli/duration.h"
#include "cli/parse_args.h"
#include "collect/live.h"
#include "collect/read_file.h"
#include "env/summary.h"
#include "model/snapshot_json.h"
#include "report/dot_report.h"
#include "report/escape.h"
#include "report/json_report.h"
#include "report/text_report.h"
#include "watch/episode_record.h"

namespace hangscope::cli {

namespace {

struct OutputFlags {
  bool json = false;
  bool dot = false;
  std::string save;
};

void add_output_flags(CLI::App& app, OutputFlags& o, bool with_save) {
  app.add_flag("--json", o.json, "print JSON (schema hangscope/1)");
  app.add_flag("--dot", o.dot, "print a Graphviz picture of the wait-for graph");
  if (with_save)
    app.add_option("--save", o.save,
                   "also save the collected snapshot to FILE (replay with analyze)")
        ->type_name("FILE");
}

// Analyzes and prints; returns the exit code (0 nothing stuck, 1 stuck tasks found).
int report(const model::Snapshot& snap, const OutputFlags& o) {
  analyze::AnalyzeOptions opt;
  opt.only_pid = snap.query.pid;
  opt.min_stuck_seconds = snap.query.min_stuck_seconds;
  analyze::Findings f = analyze::analyze(snap, opt);
  std::string out =
      o.json ? report::render_json(f, snap) + "\n"
      : o.dot
          ? report::render_dot(f)
          : (snap.machine.empty() ? "" : "machine: " + report::escape_text(snap.machine) + "\n") +
                report::render_text(f);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return f.chains.empty() && f.cycles.empty() ? kExitOk : kExitFound;
}

// A watch --record incident: the stuck events watch printed, rendered again from the record's
// snapshot (text, or --json lines); --dot draws every chain of that snapshot.
int replay_episode(const nlohmann::json& j, const std::string& file, const OutputFlags& o) {
  auto record = watch::episode_record_from_json(j, file);
  if (!record.ok()) {
    std::fprintf(stderr, "hangscope analyze: %s\n", record.error().message.c_str());
    return kExitError;
  }
  if (o.dot) {
    if (!record->snapshot) {
      std::fprintf(stderr, "hangscope analyze: %s: no snapshot in this record (%s)\n", file.c_str(),
                   record->why_no_chain.c_str());
      return kExitError;
    }
    analyze::AnalyzeOptions opt;
    opt.min_stuck_seconds = 0;
    std::string out = report::render_dot(analyze::analyze(*record->snapshot, opt));
    std::fwrite(out.data(), 1, out.size(), stdout);
    return kExitFound;
  }
  std::string out = watch::replay_episode_record(*record, o.json);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return record->episodes.empty() ? kExitOk : kExitFound;
}

int run_live(const char* name, const OutputFlags& o, model::Query query, bool no_bpf) {
  collect::LiveOptions lo;
  lo.allow_bpf = !no_bpf;
  auto snap = collect::collect_live(lo);
  if (!snap.ok()) {
    std::fprintf(stderr, "hangscope %s: %s\n", name, snap.error().message.c_str());
    return kExitError;
  }
  snap->query = query;
  snap->machine = env::fingerprint_summary_quick();
  if (!o.save.empty()) {
    std::string text = model::snapshot_to_json(*snap).dump(
        1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (auto w = collect::write_file(o.save, text + "\n"); !w.ok()) {
      std::fprintf(stderr, "hangscope %s: cannot save snapshot: %s\n", name,
                   w.error().message.c_str());
      return kExitError;
    }
  }
  return report(*snap, o);
}

}  // namespace

int run_scan(int argc, char** argv) {
  CLI::App app{"Diagnose every stuck task on this machine", "hangscope scan"};
  OutputFlags o;
  std::string min = "1s";
  bool no_bpf = false;
  add_output_flags(app, o, true);
  app.add_option("--min", min,
                 "report tasks stuck at least this long (e.g. 5s, 500ms; default 1s)");
  app.add_flag("--no-bpf", no_bpf, "use /proc only");
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  auto secs = parse_duration(min);
  if (!secs) {
    std::fprintf(stderr, "hangscope scan: --min '%s': not a duration (e.g. 5s, 500ms)\n",
                 min.c_str());
    return kExitError;
  }
  return run_live("scan", o, model::Query{0, *secs}, no_bpf);
}

int run_why(int argc, char** argv) {
  CLI::App app{"Explain why one task is stuck", "hangscope why"};
  OutputFlags o;
  std::string pid_text;
  bool no_bpf = false;
  add_output_flags(app, o, true);
  app.add_option("pid", pid_text, "the stuck task's pid (or tid)")->required()->type_name("PID");
  app.add_flag("--no-bpf", no_bpf, "use /proc only");
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  char* end = nullptr;
  long parsed = std::strtol(pid_text.c_str(), &end, 10);
  if (pid_text.empty() || *end != '\0' || parsed <= 0 || parsed > (1L << 22)) {
    std::fprintf(stderr, "hangscope why: '%s' is not a pid\n", pid_text.c_str());
    return kExitError;
  }
  int pid = static_cast<int>(parsed);
  if (::access(fmt::format("/proc/{}/task/{}", pid, pid).c_str(), F_OK) != 0 &&
      ::access(fmt::format("/proc/{}", pid).c_str(), F_OK) != 0) {
    std::fprintf(stderr, "hangscope why: no task with pid %d\n", pid);
    return kExitError;
  }
  return run_live("why", o, model::Query{pid, 0}, no_bpf);
}

int run_analyze(int argc, char** argv) {
  CLI::App app{"Replay a snapshot saved with --save, or an incident watch --record kept",
               "hangscope analyze"};
  OutputFlags o;
  std::string file;
  add_output_flags(app, o, false);
  app.add_option("file", file,
                 "snapshot JSON written by scan/why --save, or episode.json of a watch --record "
                 "incident (prints what watch printed)")
      ->required()
      ->type_name("FILE");
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  auto text = collect::read_small_file(file, 256u << 20);
  if (!text.ok()) {
    std::fprintf(stderr, "hangscope analyze: %s\n", text.error().message.c_str());
    return kExitError;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_discarded() && watch::is_episode_record(j)) return replay_episode(j, file, o);
  auto snap = j.is_discarded() ? Result<model::Snapshot>(make_error("not valid JSON"))
                               : model::snapshot_from_json(j);
  if (!snap.ok()) {
    std::fprintf(stderr, "hangscope analyze: %s: %s\n", file.c_str(), snap.error().message.c_str());
    return kExitError;
  }
  return report(*snap, o);
}

}  // namespace hangscope::cli
