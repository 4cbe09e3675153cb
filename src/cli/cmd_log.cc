// hangscope log: kernel logs -> crash reports (syzkaller-style titles) and wait-for chains.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "analyze/analyze.h"
#include "cli/commands.h"
#include "cli/parse_args.h"
#include "env/summary.h"
#include "log/event_json.h"
#include "log/kmsg_reader.h"
#include "log/line_reader.h"
#include "log/log_parser.h"
#include "log/to_snapshot.h"
#include "report/dot_report.h"
#include "report/escape.h"
#include "report/json_report.h"
#include "report/text_report.h"

namespace hangscope::cli {

namespace {

struct LogFlags {
  std::vector<std::string> files;
  bool titles = false;
  bool json = false;
  bool dot = false;
  bool kernel = false;
};

// Feeds every input to `parser`; returns an error message or "".
std::string feed_inputs(const LogFlags& f, log::LogParser& parser) {
  if (f.kernel) {
    auto st = log::read_kmsg([&](std::string_view line) { parser.feed(line); });
    if (!st.ok()) return st.error().message;
  }
  for (const auto& path : f.files) {
    auto reader = log::LineReader::open(path);
    if (!reader.ok()) return reader.error().message;
    std::string_view line;
    while ((*reader)->next(line)) parser.feed(line, (*reader)->last_truncated());
    if (!(*reader)->error().empty())
      return (path == "-" ? "stdin" : path) + ": " + (*reader)->error();
  }
  return "";
}

// The reports as text: one entry per distinct (title, pid), repeats counted.
std::string render_reports(const log::LogDigest& d) {
  using report::escape_text;
  std::string out = fmt::format("Kernel log: {} report{}", d.reports, d.reports == 1 ? "" : "s");
  if (!d.release.empty()) out += fmt::format(", kernel {}", escape_text(d.release));
  if (d.taint_known) out += d.taint.empty() ? ", not tainted" : ", taint " + escape_text(d.taint);
  out += "\n";
  struct Group {
    const log::Event* first;
    int count = 0;
    double last = -1;
  };
  std::vector<Group> groups;
  for (const log::Event& e : d.events) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.first->title == e.title && g.first->pid == e.pid;
    });
    if (it == groups.end()) it = groups.insert(groups.end(), Group{&e, 0, -1});
    ++it->count;
    it->last = e.timestamp;
  }
  for (const Group& g : groups) {
    const log::Event& e = *g.first;
    std::string when = e.timestamp >= 0 ? fmt::format("[{:.3f}] ", e.timestamp) : "";
    out += fmt::format("\n{}{}", when, escape_text(e.title));
    if (g.count > 1) out += fmt::format("  (x{}, last at {:.3f} s)", g.count, g.last);
    out += "\n    " + std::string(log::to_string(e.kind));
    if (e.pid.known()) out += fmt::format(": {} (pid {})", escape_text(e.comm), *e.pid);
    if (e.cpu.known()) out += fmt::format(", CPU {}", *e.cpu);
    if (e.fault_addr.known()) out += fmt::format(", fault address {:#x}", *e.fault_addr);
    if (!e.rip.symbol.empty()) out += ", RIP " + escape_text(log::frame_text(e.rip));
    if (e.tainted_known && !e.taint.empty()) out += ", taint " + escape_text(e.taint);
    if (!e.release.empty()) out += ", kernel " + escape_text(e.release);
    if (e.corrupted) out += " (report incomplete)";
    std::string trace;
    int shown = 0;
    for (const auto& f : e.call_trace) {
      if (!f.reliable) continue;
      if (shown == 8) {
        trace += " <- ...";
        break;
      }
      trace += (shown++ ? " <- " : "") + escape_text(log::frame_text(f));
    }
    if (!trace.empty()) out += "\n    call trace: " + trace;
    out += "\n";
  }
  if (d.events_dropped) out += fmt::format("({} more reports not kept)\n", d.events_dropped);
  out += "\n";
  return out;
}

}  // namespace

int run_log(int argc, char** argv) {
  CLI::App app{
      "Explain kernel logs: crash reports with syzkaller-style titles, and the wait-for "
      "chains of hung tasks (from hung-task reports, blocker lines, lockdep and sysrq-w "
      "dumps)",
      "hangscope log"};
  LogFlags f;
  app.add_option("files", f.files,
                 "kernel log files ('-' = stdin): dmesg, journalctl -k, kern.log, "
                 "serial consoles")
      ->type_name("FILE");
  app.add_flag("--titles", f.titles,
               "print one title per report (first report first), nothing else");
  app.add_flag("--json", f.json, "print JSON (schema hangscope/1, plus \"reports\")");
  app.add_flag("--dot", f.dot, "print a Graphviz picture of the wait-for graph");
  app.add_flag("--kernel", f.kernel, "read the running kernel's log (/dev/kmsg, does not wait)");
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  if (f.files.empty() && !f.kernel) {
    std::fprintf(stderr, "hangscope log: no input: give FILE..., '-' for stdin, or --kernel\n");
    return kExitError;
  }
  if (f.json + f.dot + f.titles > 1) {
    std::fprintf(stderr, "hangscope log: --titles, --json and --dot exclude each other\n");
    return kExitError;
  }
  log::ParseOptions opts;
  opts.titles_only = f.titles;
  log::LogParser parser(opts);
  if (f.titles) {
    parser.on_title([](const std::string& t) {
      std::fwrite(t.data(), 1, t.size(), stdout);
      std::fputc('\n', stdout);
    });
  }
  std::string err = feed_inputs(f, parser);
  parser.finish();
  std::fflush(stdout);
  if (!err.empty()) {
    std::fprintf(stderr, "hangscope log: %s\n", err.c_str());
    return kExitError;
  }
  const log::LogDigest& d = parser.digest();
  if (f.titles) return d.reports ? kExitFound : kExitOk;
  model::Snapshot snap = log::to_snapshot(d);
  snap.query.min_stuck_seconds = 0;
  snap.machine =
      env::fingerprint_summary_quick();  // where the log was analyzed, not where it came from
  analyze::Findings findings = analyze::analyze(snap, {.min_stuck_seconds = 0});
  std::string out;
  if (f.json) {
    nlohmann::json j = report::findings_to_json(findings, snap);
    j["reports"] = log::events_to_json(d);
    out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else if (f.dot) {
    out = report::render_dot(findings);
  } else {
    out = render_reports(d) + report::render_text(findings) +
          "\nanalyzed on: " + report::escape_text(snap.machine) + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return d.reports || !findings.chains.empty() || !findings.cycles.empty() ? kExitFound : kExitOk;
}

}  // namespace hangscope::cli
