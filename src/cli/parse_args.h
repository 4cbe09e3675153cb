// Parsing a subcommand's command line, or only describing it (for shell completion).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>

namespace hangscope::cli {

/// Parses argv into app. Returns nullopt when the subcommand should go on and run; otherwise the
/// exit code to return at once: kExitOk after --help (printed), kExitError after a bad command
/// line (one-line message on stderr), and kExitOk without parsing anything while a
/// DescribeScope is alive.
std::optional<int> parse_args(CLI::App& app, int argc, char** argv);

/// While alive, parse_args() hands each App to `sink` instead of parsing it, so calling a
/// subcommand's entry point only describes its options: it returns before doing anything.
/// Not thread-safe; scopes do not nest (an inner scope replaces the outer one until it ends).
class DescribeScope {
 public:
  explicit DescribeScope(std::function<void(const CLI::App&)> sink);
  ~DescribeScope();
  DescribeScope(const DescribeScope&) = delete;
  DescribeScope& operator=(const DescribeScope&) = delete;

 private:
  std::function<void(const CLI::App&)> previous_;
};

}  // namespace hangscope::cli
