// Shell completion: the subcommands and options of hangscope, described from their CLI11
// definitions (so completion cannot drift from the parser), rendered for bash and zsh.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace hangscope::cli {

/// What a value on the command line names, from the option's CLI11 type name.
enum class ValueKind {
  kText,     // free text (a duration, a number, a function name): nothing to complete
  kFile,     // type name FILE
  kDir,      // type name DIR
  kPid,      // type name PID: a task's pid; completion offers tasks in D state
  kCommand,  // type name CMD: a command to run
};

/// One option, e.g. {"-o", "--output"} taking a FILE.
struct OptionSpec {
  std::vector<std::string> names;  // short names first ("-o"), then long ones ("--output")
  std::string description;
  bool takes_value = false;
  ValueKind value = ValueKind::kText;
};

/// A positional argument, e.g. `why PID` or `log FILE...`.
struct PositionalSpec {
  std::string name;
  std::string description;
  ValueKind value = ValueKind::kText;
  bool repeats = false;  // takes any number of values
};

/// A command: hangscope itself, a subcommand (`scan`) or a nested one (`ftrace diff`).
struct CommandSpec {
  std::string name;
  std::string summary;
  std::vector<OptionSpec> options;  // --help included
  std::vector<PositionalSpec> positionals;
  std::vector<CommandSpec> subcommands;
};

/// The whole command tree: every subcommand of the dispatch table, each described by calling its
/// entry point in describe mode (see DescribeScope). Fails, naming the command, when a command
/// does not hand its options to parse_args().
Result<CommandSpec> describe_hangscope();

/// A bash completion script for `hangscope` (`complete -F`); needs no bash-completion package.
std::string render_bash_completion(const CommandSpec& root);

/// A zsh completion function file (`#compdef hangscope`), for a directory on $fpath.
std::string render_zsh_completion(const CommandSpec& root);

/// One line per option and positional: "PATH OPTION" ("scan --json", "why <pid>"), for tests
/// that compare completion with --help and the man page.
std::string render_option_list(const CommandSpec& root);

}  // namespace hangscope::cli
