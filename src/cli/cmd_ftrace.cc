// hangscope ftrace: not built yet; see the issue tracker.
#include <cstdio>

#include "cli/commands.h"

namespace hangscope::cli {

int run_ftrace(int, char**) {
  std::fprintf(stderr, "hangscope ftrace: not implemented yet\n");
  return kExitError;
}

}  // namespace hangscope::cli
