// hangscope log: not built yet; see the issue tracker.
#include <cstdio>

#include "cli/commands.h"

namespace hangscope::cli {

int run_log(int, char**) {
  std::fprintf(stderr, "hangscope log: not implemented yet\n");
  return kExitError;
}

}  // namespace hangscope::cli
