// hangscope demo: reproduce the seed case (a stuck sync) with user-space parts, explain it with
// `hangscope why`, then undo everything, also on Ctrl-C. Without root: replay a saved snapshot.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "demo/child_process.h"
#include "demo/emergency.h"
#include "demo/hangfs_daemon.h"
#include "demo/seed_hang.h"

namespace hangscope::cli {
namespace {

constexpr int kDiagnosisTimeoutMs = 10000;

/// The source tree, for docs/demo-snapshot.json.
std::string source_dir() {
#ifdef HANGSCOPE_SOURCE_DIR
  return HANGSCOPE_SOURCE_DIR;
#else
  std::string file = __FILE__;  // .../src/cli/cmd_demo.cc
  auto cut = file.rfind("/src/cli/");
  return cut == std::string::npos ? "." : file.substr(0, cut);
#endif
}

/// The path of this very binary (so the child's comm reads "hangscope", not "exe").
std::string self_exe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "/proc/self/exe";
}

/// Where the step lines go: stdout, or stderr with --json (so stdout is one JSON document).
std::FILE* g_steps = stdout;

void say(const std::string& line) {
  std::fprintf(g_steps, "demo: %s\n", line.c_str());
  std::fflush(g_steps);
}

/// Runs `hangscope ARGS...` (this binary) with its output on ours, killed after the timeout.
/// Returns its exit code, or -1 when it timed out, crashed or could not start.
int run_self(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {self_exe()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::fflush(stdout);
  auto child = demo::ChildProcess::spawn(argv);
  if (!child) {
    std::fprintf(stderr, "hangscope demo: %s\n", child.error().message.c_str());
    return -1;
  }
  auto status = child->wait(demo::Millis(kDiagnosisTimeoutMs));
  if (!status) {
    child->kill_and_reap(demo::Millis(2000));
    std::fprintf(stderr, "hangscope demo: `hangscope %s` gave no answer within %d s\n",
                 args.front().c_str(), kDiagnosisTimeoutMs / 1000);
    return -1;
  }
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

/// The saved demo snapshot: in the source tree, else where an installed hangscope keeps it
/// (PREFIX/share/hangscope/, from PREFIX/sbin/hangscope).
std::string demo_snapshot_path() {
  std::string in_tree = source_dir() + "/docs/demo-snapshot.json";
  if (::access(in_tree.c_str(), R_OK) == 0) return in_tree;
  std::string exe = self_exe();
  return exe.substr(0, exe.rfind('/') + 1) + "../share/hangscope/demo-snapshot.json";
}

int replay_snapshot(bool json) {
  std::string snapshot = demo_snapshot_path();
  say("not root, so no real hang can be made; replaying " + snapshot);
  if (::access(snapshot.c_str(), R_OK) != 0) {
    std::fprintf(stderr, "hangscope demo: no saved snapshot at %s (run the demo as root)\n",
                 snapshot.c_str());
    return kExitError;
  }
  std::vector<std::string> args = {"analyze", snapshot};
  if (json) args.push_back("--json");
  int rc = run_self(args);
  return rc == 0 || rc == 1 ? kExitOk : kExitError;
}

}  // namespace

int run_demo(int argc, char** argv) {
  CLI::App app{
      "Reproduce the seed case (a stuck sync) with a stopped FUSE daemon, explain it, "
      "undo it",
      "hangscope demo"};
  std::string hangfs;
  bool json = false;
  double hold_seconds = 0;
  app.add_option("--hangfs", hangfs,
                 "path of the hangfs FUSE daemon (default: next to hangscope, "
                 "then PATH)")
      ->type_name("FILE");
  app.add_flag("--json", json, "print the diagnosis as JSON (step lines go to stderr)");
  app.add_option("--hold", hold_seconds,
                 "keep the hang this many seconds after the diagnosis (look at it with other "
                 "tools; Ctrl-C ends it early), then clean up")
      ->check(CLI::Range(0.0, 3600.0));
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  if (json) g_steps = stderr;
  if (::geteuid() != 0) return replay_snapshot(json);

  auto binary = demo::find_hangfs_binary(hangfs);
  if (!binary) {
    std::fprintf(stderr, "hangscope demo: %s\n", binary.error().message.c_str());
    return kExitError;
  }
  demo::emergency::install_signal_handlers(/*reraise=*/false);
  say("building the seed case: a stopped FUSE daemon, a blocked umount, a stuck sync");
  auto hang = demo::SeedHang::start({*binary, true, demo::Millis(10000), say});
  if (!hang) {
    std::fprintf(stderr, "hangscope demo: %s\n", hang.error().message.c_str());
    if (int sig = demo::emergency::interrupted()) say(fmt::format("interrupted (signal {})", sig));
    return kExitError;
  }

  int diag = -1;
  // Let the tasks stay stuck for a second first, so the report shows how long, as on a real hang.
  demo::Deadline settle(demo::Millis(1000));
  while (!settle.expired() && !demo::emergency::interrupted()) ::usleep(20000);
  if (!demo::emergency::interrupted()) {
    say(fmt::format("running: hangscope why {}{}", (*hang)->sync_pid(), json ? " --json" : ""));
    if (!json) std::printf("\n");
    std::vector<std::string> args = {"why", std::to_string((*hang)->sync_pid())};
    if (json) args.push_back("--json");
    diag = run_self(args);
    if (!json) std::printf("\n");
  }
  if (hold_seconds > 0 && !demo::emergency::interrupted()) {
    say(fmt::format("holding the hang for {} s (Ctrl-C to end it now)", hold_seconds));
    demo::Deadline hold(demo::Millis(static_cast<long>(hold_seconds * 1000)));
    while (!hold.expired() && !demo::emergency::interrupted()) ::usleep(20000);
  }

  std::string loop = (*hang)->loop_path();
  auto conn = (*hang)->connection_id();
  auto cleaned = (*hang)->cleanup();
  if (!cleaned) {
    std::fprintf(stderr, "hangscope demo: cleanup incomplete: %s\n",
                 cleaned.error().message.c_str());
    return kExitError;
  }
  say(
      fmt::format("cleaned up: FUSE connection {} aborted, daemon killed, umount and sync "
                  "finished, {} detached, temp files removed",
                  conn, loop));
  if (int sig = demo::emergency::interrupted()) {
    say(fmt::format("interrupted (signal {})", sig));
    return 128 + sig;
  }
  if (diag != 0 && diag != 1) {
    std::fprintf(stderr, "hangscope demo: the diagnosis failed (exit %d)\n", diag);
    return kExitError;
  }
  return kExitOk;
}

}  // namespace hangscope::cli
