// hangscope completion bash|zsh|list: shell completion generated from the option definitions.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/parse_args.h"

namespace hangscope::cli {

int run_completion(int argc, char** argv) {
  CLI::App app{"Print a shell completion script (bash or zsh), or every option one per line",
               "hangscope completion"};
  std::string shell;
  app.add_option("shell", shell, "bash, zsh, or list")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "list"}));
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  auto root = describe_hangscope();
  if (!root) {
    std::fprintf(stderr, "hangscope completion: %s\n", root.error().message.c_str());
    return kExitError;
  }
  std::string out = shell == "bash"  ? render_bash_completion(*root)
                    : shell == "zsh" ? render_zsh_completion(*root)
                                     : render_option_list(*root);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitError;
}

}  // namespace hangscope::cli
