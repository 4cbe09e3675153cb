#include "watch/metrics.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hangscope::watch {

namespace {

std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string counter(std::string_view name, std::string_view help, std::uint64_t value) {
  return fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
}

std::string incident_text(const IncidentCounters& c) {
  std::string out;
  if (const auto& r = c.record) {
    out += counter("hangscope_watch_records_written_total",
                   "Incidents written to the --record directory.", r->written);
    out += counter("hangscope_watch_records_failed_total",
                   "Incidents whose record could not be written.", r->failed);
    out += counter("hangscope_watch_records_suppressed_total",
                   "Incidents not recorded because of the rate limit.", r->suppressed);
    out +=
        counter("hangscope_watch_records_dropped_total",
                "Incidents dropped: the recorder's earlier writes had not completed.", r->dropped);
    out += counter("hangscope_watch_records_rotated_total",
                   "Older records deleted to stay within the size and count caps.", r->rotated);
  }
  if (const auto& e = c.exec) {
    out +=
        "# HELP hangscope_watch_exec_runs_total Runs of the --exec command by how they ended.\n"
        "# TYPE hangscope_watch_exec_runs_total counter\n";
    out +=
        fmt::format("hangscope_watch_exec_runs_total{{result=\"ok\"}} {}\n", e->runs - e->failed);
    out += fmt::format("hangscope_watch_exec_runs_total{{result=\"failed\"}} {}\n",
                       e->failed - e->timed_out);
    out +=
        fmt::format("hangscope_watch_exec_runs_total{{result=\"timed_out\"}} {}\n", e->timed_out);
    out +=
        counter("hangscope_watch_exec_dropped_total",
                "Runs of the --exec command dropped: earlier runs had not finished.", e->dropped);
  }
  return out;
}

}  // namespace

std::string prometheus_text(const WatchMetrics& m) {
  std::map<std::string, int> kinds{{"mutex", 0},     {"rwsem", 0},    {"percpu_rwsem", 0},
                                   {"semaphore", 0}, {"rt_mutex", 0}, {"spinlock", 0},
                                   {"rwlock", 0}};
  for (const auto& [k, n] : m.stuck_by_kind) kinds[k] = n;
  std::string out =
      "# HELP hangscope_watch_stuck_tasks Tasks stuck longer than the watch threshold, by lock "
      "kind.\n"
      "# TYPE hangscope_watch_stuck_tasks gauge\n";
  for (const auto& [k, n] : kinds)
    out += fmt::format("hangscope_watch_stuck_tasks{{kind=\"{}\"}} {}\n", label_value(k), n);
  out += fmt::format(
      "# HELP hangscope_watch_longest_wait_seconds Longest current lock wait.\n"
      "# TYPE hangscope_watch_longest_wait_seconds gauge\n"
      "hangscope_watch_longest_wait_seconds {:.3f}\n"
      "# HELP hangscope_watch_contention_events_total Lock contentions traced since watch "
      "started.\n"
      "# TYPE hangscope_watch_contention_events_total counter\n"
      "hangscope_watch_contention_events_total {}\n"
      "# HELP hangscope_watch_lost_events_total Contention events not recorded (BPF maps full).\n"
      "# TYPE hangscope_watch_lost_events_total counter\n"
      "hangscope_watch_lost_events_total {}\n",
      m.longest_wait_seconds, m.counters.events, m.counters.lost());
  return out + incident_text(m.incidents);
}

Status write_file_atomic(const std::string& path, const std::string& text) {
  std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("{}: cannot create: {}", tmp, std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error(fmt::format("{}: cannot write: {}", tmp, std::strerror(e)));
    }
    done += static_cast<std::size_t>(n);
  }
  int synced = ::fsync(fd);
  int e = errno;
  if (::close(fd) != 0 && synced == 0) {
    synced = -1;
    e = errno;
  }
  if (synced != 0) {
    ::unlink(tmp.c_str());
    return make_error(fmt::format("{}: cannot write: {}", tmp, std::strerror(e)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error(fmt::format("{}: cannot rename into place: {}", path, std::strerror(e)));
  }
  return Unit{};
}

}  // namespace hangscope::watch
