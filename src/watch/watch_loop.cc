#include "watch/watch_loop.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <set>

#include "analyze/analyze.h"
#include "collect/live.h"
#include "collect/proc_parse.h"
#include "collect/read_file.h"
#include "core/proc_stat.h"
#include "model/enums.h"
#include "watch/episode.h"
#include "watch/episode_record.h"
#include "watch/event_report.h"
#include "watch/line_sink.h"
#include "watch/lock_tracer.h"
#include "watch/metrics.h"
#include "watch/top.h"

namespace hangscope::watch {

namespace {

constexpr std::uint64_t kSweepNs = 1000000000ull;
constexpr std::uint64_t kTopSnapshotEveryNs = 10 * kSweepNs;

volatile std::sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

void install_stop_signals() {
  g_stop = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::string now_text() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return iso8601_utc(static_cast<double>(ts.tv_sec));
}

// Sleeps until `deadline_ns` (CLOCK_MONOTONIC) or a stop signal, in 50 ms slices.
void sleep_until(std::uint64_t deadline_ns) {
  while (!g_stop) {
    std::uint64_t now = monotonic_ns();
    if (now >= deadline_ns) return;
    std::uint64_t slice = std::min<std::uint64_t>(deadline_ns - now, 50000000ull);
    timespec ts{static_cast<time_t>(slice / 1000000000ull),
                static_cast<long>(slice % 1000000000ull)};
    nanosleep(&ts, nullptr);
  }
}

// True while /proc/PID/stat says D (uninterruptible or killable wait). stat takes no mm lock.
bool task_in_d_state(int pid) {
  auto text = collect::read_small_file(fmt::format("/proc/{}/stat", pid), 4096);
  if (!text.ok()) return false;
  auto st = parse_proc_stat(*text);
  return st.ok() && st->state == 'D';
}

class Session {
 public:
  Session(const WatchOptions& o, LineSink sink, std::unique_ptr<LockTracer> tracer,
          std::unique_ptr<IncidentSinks> sinks)
      : o_(o),
        sink_(std::move(sink)),
        tracer_(std::move(tracer)),
        sinks_(std::move(sinks)),
        tracker_(o.threshold_seconds) {}

  int run() {
    start_ns_ = monotonic_ns();
    std::string t = now_text();
    if (!emit(o_.json ? json_line(
                            started_json(o_.threshold_seconds, tracer_->attach_mode(), o_.top, t)) +
                            "\n"
                      : fmt::format("{} watching: lock waits over {:.1f} s ({}){}\n", t,
                                    o_.threshold_seconds, tracer_->attach_mode(),
                                    o_.top ? ", contended locks table" : "")))
      return 2;
    if (o_.top) return loop([this] { return top_sweep(); });
    if (!rescan()) return 2;
    int rc = loop([this] { return sweep(); });
    TracerCounters c = tracer_->sample().counters;
    sinks_->stop();
    (void)emit_sink_lines();
    if (o_.json) {
      auto j = summary_json(c, tracker_.open().size(), now_text());
      nlohmann::json extra = sinks_->summary_json();
      for (auto& [k, v] : extra.items()) j[k] = v;
      (void)emit(json_line(j) + "\n");
    } else {
      (void)emit(fmt::format(
          "{} watch stopped: {} contention events, {} lost, {} episode(s) still open{}\n",
          now_text(), c.events, c.lost(), tracker_.open().size(), sinks_->summary_text()));
    }
    return rc;
  }

 private:
  template <typename F>
  int loop(F step) {
    std::uint64_t end = o_.duration_seconds > 0
                            ? start_ns_ + static_cast<std::uint64_t>(o_.duration_seconds * 1e9)
                            : 0;
    std::uint64_t next = start_ns_ + kSweepNs;
    while (!g_stop) {
      sleep_until(end ? std::min(next, end) : next);
      if (g_stop || (end && monotonic_ns() >= end)) break;
      next += kSweepNs;
      if (!step()) return 2;
    }
    return 0;
  }

  bool emit(const std::string& text) {
    auto w = sink_.write(text);
    if (!w.ok()) std::fprintf(stderr, "hangscope watch: %s\n", w.error().message.c_str());
    return w.ok();
  }

  // Event lines from the recorder and the exec hook (what they finished since the last sweep).
  bool emit_sink_lines() {
    for (const std::string& line : sinks_->take_lines(o_.json, now_text()))
      if (!emit(line)) return false;
    return true;
  }

  // Reports the given stuck events with one fresh snapshot (the same analysis as `why PID`),
  // then hands them, as one incident, to the recorder and the exec hook.
  bool report_stuck(const std::vector<StuckEvent>& events,
                    const Result<model::Snapshot>* given = nullptr) {
    if (events.empty()) return true;
    Result<model::Snapshot> snap = given ? *given : collect::collect_live({});
    std::string why = snap.ok() ? "" : snap.error().message;
    std::vector<EpisodeRecord::Entry> entries;
    std::vector<StuckOutput> outputs;
    for (const StuckEvent& e : events) {
      std::string t = now_text();
      StuckOutput out = render_stuck(e, snap.ok() ? &*snap : nullptr, t, why);
      if (!emit(o_.json ? out.json_line : out.text)) return false;
      entries.push_back({e, t});
      outputs.push_back(std::move(out));
    }
    sinks_->on_incident(monotonic_ns(), entries, outputs, snap);
    return true;
  }

  // A snapshot finds tasks in D for longer than the threshold that the lock tracer cannot see:
  // waits that began before watch started, and waits that are no lock (FUSE requests,
  // userfaultfd, I/O). Run at start-up and every max(threshold, 5 s).
  bool rescan() {
    last_rescan_ns_ = monotonic_ns();
    std::set<int> lock_waiters;
    for (const LockWait& w : tracer_->current_waits()) lock_waiters.insert(w.pid);
    Result<model::Snapshot> snap = collect::collect_live({});
    if (!snap.ok()) return true;  // nothing to compare with; lock tracing still runs
    // Every D task over the threshold (not only chain starts: a holder that is itself stuck,
    // like the seed's umount, has its own episode).
    std::vector<StuckEvent> events;
    std::uint64_t now = monotonic_ns();
    for (const model::Task& t : snap->tasks) {
      if (t.state != model::TaskState::disk_sleep || !t.stuck_seconds.known() ||
          *t.stuck_seconds < o_.threshold_seconds || tracker_.open().count(t.pid) ||
          lock_waiters.count(t.pid))  // the lock tracer times these itself
        continue;
      Episode e;
      e.pid = t.pid;
      e.tgid = t.tgid;
      e.comm = t.comm;
      analyze::AnalyzeOptions ao;
      ao.only_pid = t.pid;
      ao.min_stuck_seconds = 0;
      analyze::Findings f = analyze::analyze(*snap, ao);
      if (!f.chains.empty() && !f.chains.front().hops.empty()) {
        const analyze::Hop& h = f.chains.front().hops.front();
        e.kind = std::string(model::to_string(h.wait.kind));
        if (!h.holders.empty()) e.owner = {h.holders.front().pid, h.holders.front().comm};
      }
      for (StuckEvent& s : tracker_.add_preexisting(e, *t.stuck_seconds, now)) events.push_back(s);
    }
    return report_stuck(events, &snap);
  }

  bool sweep() {
    std::uint64_t every = static_cast<std::uint64_t>(std::max(o_.threshold_seconds, 5.0) * 1e9);
    TracerSample s = tracer_->sample();
    std::set<int> still;
    for (int pid : tracker_.snapshot_pids())
      if (task_in_d_state(pid)) still.insert(pid);
    SweepEvents ev = tracker_.sweep(s, still);
    for (const ReleasedEvent& r : ev.released)
      if (!emit(o_.json ? json_line(released_json(r, now_text())) + "\n"
                        : released_text(r, now_text())))
        return false;
    for (const ReleasedEvent& b : ev.brief)
      if (!emit(o_.json ? json_line(brief_json(b, now_text())) + "\n" : brief_text(b, now_text())))
        return false;
    if (!report_stuck(ev.stuck)) return false;
    if (!emit_sink_lines()) return false;
    if (monotonic_ns() - last_rescan_ns_ >= every && !rescan()) return false;
    if (s.counters.lost() > last_lost_) {
      last_lost_ = s.counters.lost();
      std::string t = now_text();
      if (!emit(o_.json ? json_line(lost_json(s.counters, t)) + "\n"
                        : fmt::format("{} LOST {} contention events so far (BPF maps full)\n", t,
                                      last_lost_)))
        return false;
    }
    if (!o_.prometheus.empty()) {
      WatchMetrics m{tracker_.open_by_kind(), tracker_.longest_wait_seconds(), s.counters,
                     sinks_->counters()};
      if (auto w = write_file_atomic(o_.prometheus, prometheus_text(m)); !w.ok()) {
        std::fprintf(stderr, "hangscope watch: --prometheus %s\n", w.error().message.c_str());
        return false;
      }
    }
    return true;
  }

  bool top_sweep() {
    std::uint64_t now = monotonic_ns();
    if (!top_snap_ || now - top_snap_ns_ >= kTopSnapshotEveryNs) {
      auto snap = collect::collect_live({});
      top_snap_ =
          std::make_unique<model::Snapshot>(snap.ok() ? std::move(*snap) : model::Snapshot{});
      top_snap_ns_ = now;
    }
    TracerSample sample = tracer_->sample();
    auto rows = top_rows(tracer_->lock_stats(), sample.waits, sample.now_ns, *top_snap_,
                         tracer_->percpu_rwsem_size(), o_.top_limit);
    const TracerCounters& c = sample.counters;
    double elapsed = static_cast<double>(now - start_ns_) / 1e9;
    if (o_.json) return emit(json_line(top_json(rows, c, elapsed, now_text())) + "\n");
    bool tty = o_.output.empty() && isatty(STDOUT_FILENO);
    return emit((tty ? "\033[H\033[J" : "\n") + top_text(rows, c, elapsed));
  }

  WatchOptions o_;
  LineSink sink_;
  std::unique_ptr<LockTracer> tracer_;
  std::unique_ptr<IncidentSinks> sinks_;
  EpisodeTracker tracker_;
  std::uint64_t start_ns_ = 0;
  std::uint64_t last_lost_ = 0;
  std::uint64_t last_rescan_ns_ = 0;
  std::unique_ptr<model::Snapshot> top_snap_;
  std::uint64_t top_snap_ns_ = 0;
};

}  // namespace

int run_watch_loop(const WatchOptions& o) {
  install_stop_signals();
  auto sink = LineSink::open(o.output);
  if (!sink.ok()) {
    std::fprintf(stderr, "hangscope watch: %s\n", sink.error().message.c_str());
    return 2;
  }
  if (o.top && (o.incidents.record || o.incidents.exec)) {
    std::fprintf(stderr, "hangscope watch: --record and --exec report episodes; --top has none\n");
    return 2;
  }
  // Before attaching: a --record directory that cannot be created is a start-up error.
  auto sinks = IncidentSinks::start(o.incidents);
  if (!sinks.ok()) {
    std::fprintf(stderr, "hangscope watch: %s\n", sinks.error().message.c_str());
    return 2;
  }
  TracerOptions to;
  to.trace_spin = o.spin;
  to.lock_stats = o.top;
  to.long_wait_ns = static_cast<std::uint64_t>(o.threshold_seconds * 1e9);
  auto tracer = LockTracer::attach(to);
  if (!tracer.ok()) {
    std::fprintf(stderr, "hangscope watch: %s\n", tracer.error().message.c_str());
    return 2;
  }
  Session session(o, std::move(*sink), std::move(*tracer), std::move(*sinks));
  return session.run();
}

}  // namespace hangscope::watch
