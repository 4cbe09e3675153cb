// The watch loop: attach the lock tracer, report tasks already stuck (start-up snapshot),
// then sweep every second until the duration ends or SIGINT/SIGTERM arrives. A snapshot every
// max(threshold, 5 s) also finds D tasks whose wait is no lock (FUSE request, userfaultfd, I/O).
#pragma once

#include <cstddef>
#include <string>

#include "watch/incident_sinks.h"

namespace hangscope::watch {

struct WatchOptions {
  double threshold_seconds = 10;  ///< >= 1
  double duration_seconds = 0;    ///< 0: until SIGINT/SIGTERM
  bool json = false;              ///< JSON lines instead of text
  std::string output;             ///< "" = stdout; else appended and fsync'ed per report
  std::string prometheus;         ///< "" = none; else node_exporter textfile, rewritten atomically
  bool top = false;               ///< the contended-locks table instead of episodes
  std::size_t top_limit = 20;
  bool spin = false;          ///< also trace spin locks
  IncidentOptions incidents;  ///< --record (flight recorder) and --exec (hook), when given
};

/// Runs until done; returns the process exit code (0: stopped normally, 2: could not attach or
/// write). Errors go to stderr as one line. SIGINT/SIGTERM stop it cleanly (exit 0).
int run_watch_loop(const WatchOptions& options);

}  // namespace hangscope::watch
