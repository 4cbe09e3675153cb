// hangscope env: not built yet; see the issue tracker.
#include <cstdio>

#include "cli/commands.h"

namespace hangscope::cli {

int run_env(int, char**) {
  std::fprintf(stderr, "hangscope env: not implemented yet\n");
  return kExitError;
}

}  // namespace hangscope::cli
