// hangscope ftrace stuck | diff | record: function_graph traces.
#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "ftrace/diff.h"
#include "ftrace/record.h"
#include "ftrace/stuck.h"
#include "ftrace/trace_scan.h"

namespace hangscope::cli {
namespace {

void print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

std::string dump_json(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int fail(const char* sub, const std::string& message) {
  std::fprintf(stderr, "hangscope ftrace %s: %s\n", sub, message.c_str());
  return kExitError;
}

int run_stuck(const std::string& file, const std::string& task, bool json) {
  auto r = ftrace::find_stuck(file, task);
  if (!r) return fail("stuck", r.error().message);
  print(json ? dump_json(ftrace::stuck_to_json(*r)) : ftrace::render_stuck_text(*r));
  return r->tasks.empty() ? kExitOk : kExitFound;
}

int run_diff(const std::string& good, const std::string& bad, const ftrace::DiffOptions& opts,
             bool json) {
  auto r = ftrace::diff_traces(good, bad, opts);
  if (!r) return fail("diff", r.error().message);
  print(json ? dump_json(ftrace::diff_to_json(*r)) : ftrace::render_diff_text(*r));
  bool stopped_early = r->stop.known && r->stop.good_returned > 0 && r->stop.good_open_at_end == 0;
  return r->divergences_total > 0 || stopped_early ? kExitFound : kExitOk;
}

int run_record(const ftrace::RecordOptions& opts) {
  auto r = ftrace::record_command(opts);
  if (!r) return fail("record", r.error().message);
  for (const auto& n : r->notes)
    std::fprintf(stderr, "hangscope ftrace record: note: %s\n", n.c_str());
  std::string how = r->exited
                        ? (WIFEXITED(r->exit_status)
                               ? "exited with status " + std::to_string(WEXITSTATUS(r->exit_status))
                               : "was killed by signal " + std::to_string(WTERMSIG(r->exit_status)))
                    : r->timed_out   ? "was still running at the timeout"
                    : r->interrupted ? "was still running when interrupted"
                                     : "stopped";
  std::string where =
      r->top_level ? "the top-level tracefs instance " + r->instance + " (its settings restored)"
                   : "tracefs instance " + r->instance + " (removed)";
  std::fprintf(stderr,
               "hangscope ftrace record: %s (pid %d) %s; traced in %s; wrote %llu bytes to %s\n"
               "  next: hangscope ftrace stuck %s\n",
               ftrace::escape_text(opts.command[0]).c_str(), r->pid, how.c_str(),
               ftrace::escape_text(where).c_str(), static_cast<unsigned long long>(r->bytes),
               ftrace::escape_text(opts.output).c_str(), ftrace::escape_text(opts.output).c_str());
  return r->exited ? kExitOk : kExitFound;
}

}  // namespace

int run_ftrace(int argc, char** argv) {
  CLI::App app{"Function-graph traces: where a run stopped, and where it left a good run's path",
               "hangscope ftrace"};
  app.require_subcommand(1);
  bool json = false;
  std::string task, stuck_file;
  auto* stuck = app.add_subcommand("stuck", "calls still open at the end of a trace, per task");
  stuck->add_option("FILE", stuck_file, "function_graph text ('-' = stdin)")
      ->required()
      ->type_name("FILE");
  stuck->add_option("--task", task, "only this task (comm, pid, or 'cpu N')");
  stuck->add_flag("--json", json, "JSON output");

  std::string good, bad;
  ftrace::DiffOptions dopts;
  auto* diff = app.add_subcommand("diff", "first point where BAD leaves the call paths of GOOD");
  diff->add_option("GOOD", good, "trace of a run that worked")->required()->type_name("FILE");
  diff->add_option("BAD", bad, "trace of a run that hung")->required()->type_name("FILE");
  diff->add_option("--good-task", dopts.good_task, "task to follow in GOOD (comm, pid, 'cpu N')");
  diff->add_option("--bad-task", dopts.bad_task, "task to follow in BAD");
  diff->add_option("--context", dopts.context, "calls of context on each side")
      ->capture_default_str();
  diff->add_option("--max-divergences", dopts.max_divergences, "divergences to list")
      ->capture_default_str();
  diff->add_option("--noise", dopts.noise,
                   "also ignore these functions (name, prefix*, *suffix); repeatable")
      ->allow_extra_args(false);
  diff->add_flag("--keep-noise", dopts.keep_noise,
                 "compare cond_resched, spinlocks and interrupt entry too");
  diff->add_flag("--json", json, "JSON output");

  ftrace::RecordOptions ropts;
  auto* record = app.add_subcommand("record", "trace a command with function_graph via tracefs");
  record
      ->add_option("-G,--graph-function", ropts.graph_functions,
                   "trace only under FUNC; repeatable")
      ->allow_extra_args(false);
  record->add_option("-o,--output", ropts.output, "trace file to write")
      ->capture_default_str()
      ->type_name("FILE");
  record->add_option("--timeout", ropts.timeout_s, "stop tracing after SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  record->add_option("--buffer-kb", ropts.buffer_kb,
                     "per-CPU ring buffer size (KiB; default: the instance's, at least 2048)");
  record->add_option("--tracer", ropts.tracer, "tracer (function_graph; others only to test)")
      ->capture_default_str();
  record->add_flag("--top-level", ropts.top_level,
                   "trace in the top-level tracefs instance (saved and restored) even when a "
                   "private instance could run the tracer");
  record->add_flag("--force", ropts.force,
                   "use the top-level instance even when it looks in use (its settings are "
                   "restored, its buffer is cleared)");
  record->add_option("CMD", ropts.command, "command to trace (after --)")
      ->required()
      ->type_name("CMD");

  if (auto rc = parse_args(app, argc, argv)) return *rc;
  if (stuck->parsed()) return run_stuck(stuck_file, task, json);
  if (diff->parsed()) return run_diff(good, bad, dopts, json);
  if (record->parsed()) return run_record(ropts);
  return kExitError;
}

}  // namespace hangscope::cli
