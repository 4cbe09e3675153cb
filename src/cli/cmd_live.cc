// hangscope scan / why / analyze: placeholder until the live pipeline lands.
#include <cstdio>

#include "cli/commands.h"

namespace hangscope::cli {

int run_scan(int, char**) { std::fprintf(stderr, "hangscope scan: not implemented yet\n"); return kExitError; }
int run_why(int, char**) { std::fprintf(stderr, "hangscope why: not implemented yet\n"); return kExitError; }
int run_analyze(int, char**) { std::fprintf(stderr, "hangscope analyze: not implemented yet\n"); return kExitError; }

}  // namespace hangscope::cli
