// hangscope demo: not built yet; see the issue tracker.
#include <cstdio>

#include "cli/commands.h"

namespace hangscope::cli {

int run_demo(int, char**) {
  std::fprintf(stderr, "hangscope demo: not implemented yet\n");
  return kExitError;
}

}  // namespace hangscope::cli
