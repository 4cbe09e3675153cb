// describe_hangscope: the command tree, read from the CLI11 definitions of each subcommand.
#include <string_view>

#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/parse_args.h"

namespace hangscope::cli {
namespace {

ValueKind value_kind(const CLI::Option& opt) {
  std::string type = opt.get_type_name();  // "FILE", or "FLOAT:FLOAT in [..]" with validators
  std::string_view head = std::string_view(type).substr(0, type.find(':'));
  if (head == "FILE") return ValueKind::kFile;
  if (head == "DIR") return ValueKind::kDir;
  if (head == "PID") return ValueKind::kPid;
  if (head == "CMD") return ValueKind::kCommand;
  return ValueKind::kText;
}

CommandSpec describe_app(const CLI::App& app, std::string name, std::string summary) {
  CommandSpec spec{std::move(name), std::move(summary), {}, {}, {}};
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    if (!opt->nonpositional()) {
      spec.positionals.push_back({opt->get_name(true), opt->get_description(), value_kind(*opt),
                                  opt->get_items_expected_max() > 1});
      continue;
    }
    OptionSpec o;
    for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
    o.description = opt->get_description();
    o.takes_value = opt->get_items_expected_max() > 0;  // flags expect no item
    o.value = o.takes_value ? value_kind(*opt) : ValueKind::kText;
    spec.options.push_back(std::move(o));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    spec.subcommands.push_back(describe_app(*sub, sub->get_name(), sub->get_description()));
  }
  return spec;
}

}  // namespace

Result<CommandSpec> describe_hangscope() {
  CommandSpec root{"hangscope",
                   "why is this task stuck, who is blocking it, what to do now",
                   {{{"-h", "--help"}, "print the commands and exit", false, ValueKind::kText},
                    {{"--version"}, "print the version and exit", false, ValueKind::kText}},
                   {},
                   {}};
  for (const Command& c : commands()) {
    CommandSpec sub;
    bool described = false;
    {
      DescribeScope scope([&](const CLI::App& app) {
        sub = describe_app(app, std::string(c.name), std::string(c.summary));
        described = true;
      });
      // With --help, a command that bypasses parse_args() prints its help and returns: still
      // nothing is run, and the miss is reported below.
      std::string name(c.name), help("--help");
      char* argv[] = {name.data(), help.data(), nullptr};
      c.run(2, argv);
    }
    if (!described)
      return make_error("command '" + std::string(c.name) +
                        "' parses its options without parse_args(): it cannot be described");
    root.subcommands.push_back(std::move(sub));
  }
  return root;
}

std::string render_option_list(const CommandSpec& root) {
  std::string out;
  auto walk = [&](auto&& self, const CommandSpec& c, const std::string& path) -> void {
    for (const auto& o : c.options)
      for (const auto& n : o.names) out += path + " " + n + "\n";
    for (const auto& p : c.positionals) out += path + " <" + p.name + ">\n";
    for (const auto& s : c.subcommands) {
      out += path + " " + s.name + "\n";
      self(self, s, path + " " + s.name);
    }
  };
  walk(walk, root, root.name);
  return out;
}

}  // namespace hangscope::cli
