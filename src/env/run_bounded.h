// Runs a program with a hard time limit and captures its output (for `docker --version` etc.).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/result.h"

namespace hangscope::env {

/// What a bounded child run produced.
struct ProcessOutput {
  std::string output;      ///< stdout and stderr interleaved, at most max_bytes
  int exit_code = -1;      ///< exit status, 128+N when killed by signal N, -1 when unknown
  bool timed_out = false;  ///< the deadline passed: the child's process group got SIGKILL
};

/// Runs argv[0] (looked up in PATH by the child, so this process touches no file system) with
/// stdin from /dev/null, LC_ALL=C, in its own process group. After `timeout` the whole group
/// is killed with SIGKILL and reaped for at most 200 ms more (a child stuck in D state is left
/// behind rather than waited for). Errors: empty argv, the program is not found or not
/// executable ("not found in PATH"), pipe/spawn failures.
Result<ProcessOutput> run_bounded(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout, size_t max_bytes = 65536);

}  // namespace hangscope::env
