// parse_args: one place for CLI11 parsing, its error exits, and the describe mode.
#include "cli/parse_args.h"

#include <utility>

#include "cli/commands.h"

namespace hangscope::cli {
namespace {

std::function<void(const CLI::App&)>& describe_sink() {
  static std::function<void(const CLI::App&)> sink;
  return sink;
}

}  // namespace

std::optional<int> parse_args(CLI::App& app, int argc, char** argv) {
  if (describe_sink()) {
    describe_sink()(app);
    return kExitOk;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  }
  return std::nullopt;
}

DescribeScope::DescribeScope(std::function<void(const CLI::App&)> sink)
    : previous_(std::exchange(describe_sink(), std::move(sink))) {}

DescribeScope::~DescribeScope() { describe_sink() = std::move(previous_); }

}  // namespace hangscope::cli
