// The subcommand table: main() only dispatches to these.
#pragma once

#include <span>
#include <string_view>

namespace hangscope::cli {

/// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;     // nothing found / success
inline constexpr int kExitFound = 1;  // stuck tasks (or crash reports) found
inline constexpr int kExitError = 2;  // bad input, missing privilege with no fallback, ...

/// A subcommand entry point: argv[0] is the subcommand name. Returns an exit code.
using CommandFn = int (*)(int argc, char** argv);

struct Command {
  std::string_view name;
  std::string_view summary;
  CommandFn run;
};

int run_scan(int argc, char** argv);
int run_why(int argc, char** argv);
int run_analyze(int argc, char** argv);
int run_demo(int argc, char** argv);
int run_watch(int argc, char** argv);
int run_log(int argc, char** argv);
int run_ftrace(int argc, char** argv);
int run_env(int argc, char** argv);
int run_completion(int argc, char** argv);

/// All subcommands, in the order `hangscope --help` lists them.
std::span<const Command> commands();

}  // namespace hangscope::cli
