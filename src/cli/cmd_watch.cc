// hangscope watch: not built yet; see the issue tracker.
#include <cstdio>

#include "cli/commands.h"

namespace hangscope::cli {

int run_watch(int, char**) {
  std::fprintf(stderr, "hangscope watch: not implemented yet\n");
  return kExitError;
}

}  // namespace hangscope::cli
