// hangscope env collect | compare: environment fingerprints and what separates bad from good.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "env/collect.h"
#include "env/compare.h"
#include "env/compare_report.h"
#include "env/fingerprint.h"

namespace hangscope::cli {

namespace {

int env_collect(const std::string& out_path) {
  auto sys = env::make_real_system();
  std::string text = env::to_json_text(env::collect_fingerprint(*sys));
  if (out_path.empty() || out_path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : kExitError;
  }
  std::FILE* f = std::fopen(out_path.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "hangscope env collect: %s: cannot create: %s\n", out_path.c_str(),
                 std::strerror(errno));
    return kExitError;
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::fprintf(stderr, "hangscope env collect: %s: write failed\n", out_path.c_str());
    return kExitError;
  }
  return kExitOk;
}

int env_compare(const std::vector<std::string>& good_files,
                const std::vector<std::string>& bad_files, bool json, size_t top, int min_support) {
  std::vector<env::Fingerprint> good, bad;
  for (auto [files, out] : {std::pair{&good_files, &good}, std::pair{&bad_files, &bad}}) {
    for (const auto& path : *files) {
      auto fp = env::load_fingerprint(path);
      if (!fp) {
        std::fprintf(stderr, "hangscope env compare: %s\n",
                     env::escape_control(fp.error().message).c_str());
        return kExitError;
      }
      out->push_back(std::move(*fp));
    }
  }
  env::Comparison c = env::compare_fingerprints(good, bad, {.min_support = min_support});
  env::CompareInputs in{good_files, bad_files};
  std::string text =
      json ? env::render_comparison_json(c, in) : env::render_comparison_text(c, in, top);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

int run_env(int argc, char** argv) {
  CLI::App app{"Collect and compare environment fingerprints (hangscope-env/1 JSON)", "env"};
  app.require_subcommand(1, 1);

  std::string out_path;
  auto* collect = app.add_subcommand("collect", "write this machine's fingerprint as JSON");
  collect->add_option("-o,--output", out_path, "output file (default: standard output)")
      ->type_name("FILE");

  std::vector<std::string> good_files, bad_files;
  bool json = false;
  size_t top = 20;
  int min_support = 2;
  auto* compare = app.add_subcommand(
      "compare", "rank the attributes that separate bad machines from good ones");
  compare->add_option("--good", good_files, "fingerprints of machines without the bug")
      ->required()
      ->type_name("FILE")
      ->expected(1, -1);
  compare->add_option("--bad", bad_files, "fingerprints of machines with the bug")
      ->required()
      ->type_name("FILE")
      ->expected(1, -1);
  compare->add_flag("--json", json, "JSON output (schema hangscope-env-compare/1)");
  compare->add_option("--top", top, "show at most N ranked separators in text (0 = all)")
      ->capture_default_str();
  compare
      ->add_option("--min-support", min_support,
                   "observations needed on each side to call a perfect split exact")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));

  if (auto rc = parse_args(app, argc, argv)) return *rc;
  if (collect->parsed()) return env_collect(out_path);
  return env_compare(good_files, bad_files, json, top, min_support);
}

}  // namespace hangscope::cli
