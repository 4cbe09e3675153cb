// hangscope watch: the always-on hung-task watchdog (lock contention tracing + chain reports).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "cli/duration.h"
#include "cli/parse_args.h"
#include "cli/watch_incident_flags.h"
#include "watch/watch_loop.h"

namespace hangscope::cli {

int run_watch(int argc, char** argv) {
  CLI::App app{"Watch for tasks stuck on locks; report each episode with its full chain",
               "hangscope watch"};
  watch::WatchOptions o;
  std::string threshold = "10s", duration = "0";
  app.add_option("--threshold", threshold,
                 "report waits longer than this (default 10s, minimum 1s)");
  app.add_option("--duration", duration, "stop after this long (default: until SIGINT/SIGTERM)");
  app.add_flag("--json", o.json,
               "JSON lines (events stuck/released/lost/summary; chains as in scan --json)");
  app.add_option("--output", o.output,
                 "append reports to FILE (fsync'ed per report) instead of stdout")
      ->type_name("FILE");
  app.add_option("--prometheus", o.prometheus,
                 "write node_exporter textfile metrics to FILE every second")
      ->type_name("FILE");
  app.add_flag("--top", o.top, "show the most contended locks, refreshed every second");
  app.add_option("--limit", o.top_limit, "rows of the --top table (default 20)")
      ->check(CLI::Range(1, 10000));
  app.add_flag("--spin", o.spin, "also trace spin-lock contention (high event rates)");
  IncidentFlags incident_flags;
  add_incident_flags(app, incident_flags);
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  auto t = parse_duration(threshold);
  if (!t || *t < 1.0) {
    std::fprintf(stderr, "hangscope watch: --threshold '%s': not a duration of at least 1s\n",
                 threshold.c_str());
    return kExitError;
  }
  auto d = parse_duration(duration);
  if (!d) {
    std::fprintf(stderr, "hangscope watch: --duration '%s': not a duration (e.g. 15s, 2m)\n",
                 duration.c_str());
    return kExitError;
  }
  auto incidents = incident_options(incident_flags);
  if (!incidents.ok()) {
    std::fprintf(stderr, "hangscope watch: %s\n", incidents.error().message.c_str());
    return kExitError;
  }
  o.incidents = std::move(*incidents);
  o.threshold_seconds = *t;
  o.duration_seconds = *d;
  return watch::run_watch_loop(o);
}

}  // namespace hangscope::cli
