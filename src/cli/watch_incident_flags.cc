#include "cli/watch_incident_flags.h"

#include <fmt/format.h>

#include "cli/byte_size.h"
#include "cli/duration.h"

namespace hangscope::cli {

void add_incident_flags(CLI::App& app, IncidentFlags& f) {
  CLI::Option* record =
      app.add_option("--record", f.record,
                     "flight recorder: keep each incident's reports and a replay file "
                     "(hangscope analyze DIR/hang-*/episode.json) in DIR")
          ->type_name("DIR");
  app.add_option("--record-max-size", f.max_size,
                 "rotate the oldest records out beyond this many bytes in all (default 100M)")
      ->type_name("SIZE")
      ->needs(record);
  app.add_option("--record-max-records", f.max_records,
                 "rotate the oldest records out beyond this many (default 100)")
      ->check(CLI::Range(1, 1000000))
      ->needs(record);
  app.add_option("--record-burst", f.burst,
                 "incidents recorded back to back before the rate limit applies (default 3)")
      ->check(CLI::Range(1, 1000))
      ->needs(record);
  app.add_option("--record-interval", f.interval,
                 "the rate limit: one more record per this long, doubling while hangs keep "
                 "coming (default 5m)")
      ->type_name("DURATION")
      ->needs(record);
  app.add_option("--record-max-interval", f.max_interval,
                 "the longest interval the backoff reaches; this long without a hang resets it "
                 "(default 1h)")
      ->type_name("DURATION")
      ->needs(record);
  app.add_option("--record-queue", f.queue,
                 "incidents waiting for the recorder's writes before new ones are dropped "
                 "(default 4)")
      ->check(CLI::Range(1, 1000))
      ->needs(record);
  CLI::Option* exec =
      app.add_option("--exec", f.exec,
                     "run CMD (/bin/sh -c) once per incident with its stuck events (JSON lines) on "
                     "stdin, never waiting for it")
          ->type_name("CMD");
  app.add_option("--exec-timeout", f.exec_timeout,
                 "kill the --exec command (its process group) after this long (default 10s)")
      ->type_name("DURATION")
      ->needs(exec);
}

namespace {

Result<double> positive_duration(const char* flag, const std::string& text) {
  auto d = parse_duration(text);
  if (!d || *d <= 0)
    return make_error(fmt::format("{} '{}': not a duration above 0 (e.g. 30s, 5m)", flag, text));
  return *d;
}

}  // namespace

Result<watch::IncidentOptions> incident_options(const IncidentFlags& f) {
  watch::IncidentOptions o;
  if (!f.record.empty()) {
    watch::RecorderOptions r;
    r.dir = f.record;
    auto size = parse_byte_size(f.max_size);
    if (!size || *size == 0)
      return make_error(
          fmt::format("--record-max-size '{}': not a size above 0 (e.g. 100M, 1G)", f.max_size));
    r.caps = {*size, f.max_records};
    auto interval = positive_duration("--record-interval", f.interval);
    if (!interval.ok()) return interval.error();
    auto max_interval = positive_duration("--record-max-interval", f.max_interval);
    if (!max_interval.ok()) return max_interval.error();
    if (*max_interval < *interval)
      return make_error(
          fmt::format("--record-max-interval '{}': shorter than --record-interval '{}'",
                      f.max_interval, f.interval));
    r.rate = {f.burst, *interval, *max_interval};
    r.queue_incidents = f.queue;
    o.record = r;
  }
  if (!f.exec.empty()) {
    auto timeout = positive_duration("--exec-timeout", f.exec_timeout);
    if (!timeout.ok()) return timeout.error();
    watch::ExecOptions e;
    e.command = f.exec;
    e.timeout_seconds = *timeout;
    o.exec = e;
  }
  return o;
}

}  // namespace hangscope::cli
