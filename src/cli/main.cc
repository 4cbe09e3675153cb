// hangscope: why is this task stuck, who is blocking it, and what do I do now?
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"

namespace hangscope::cli {

std::span<const Command> commands() {
  static const Command table[] = {
      {"scan", "diagnose every stuck task on this machine", run_scan},
      {"why", "explain why one task (PID) is stuck", run_why},
      {"analyze", "replay a snapshot saved with --save", run_analyze},
      {"demo", "reproduce the seed case (stuck sync) and explain it", run_demo},
      {"watch", "report tasks as soon as they block (BPF watchdog)", run_watch},
      {"log", "turn kernel logs into crash reports and wait-for chains", run_log},
      {"ftrace", "record, show and diff function_graph traces", run_ftrace},
      {"env", "collect and compare environment fingerprints", run_env},
      {"completion", "print a bash or zsh completion script", run_completion},
  };
  return table;
}

namespace {

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: hangscope COMMAND [ARGS...]\n\ncommands:\n");
  for (const auto& c : commands()) {
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::fprintf(out, "\n`hangscope COMMAND --help` for a command's options.\n");
}

}  // namespace
}  // namespace hangscope::cli

int main(int argc, char** argv) {
  using namespace hangscope::cli;
  if (argc < 2) {
    print_usage(stderr);
    return kExitError;
  }
  std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    print_usage(stdout);
    return kExitOk;
  }
  if (name == "--version") {
    std::printf("hangscope %s\n", HANGSCOPE_VERSION);
    return kExitOk;
  }
  for (const auto& c : commands()) {
    if (c.name == name) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "hangscope: unknown command '%s' (see hangscope --help)\n", argv[1]);
  return kExitError;
}
