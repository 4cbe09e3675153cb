#include "env/compare_report.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

namespace hangscope::env {

std::string escape_control(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

namespace {

std::string values_line(const std::vector<std::string>& vs, size_t limit = 10) {
  std::string out;
  for (size_t i = 0; i < vs.size() && i < limit; ++i) {
    out += (i ? ", " : "") + escape_control(vs[i]);
  }
  if (vs.size() > limit) out += fmt::format(", ... ({} in all)", vs.size());
  return out.empty() ? "-" : out;
}

std::string counts(const Separator& s) {
  return fmt::format("bad {}/{}, good {}/{}", s.bad_hits, s.bad_total, s.good_hits, s.good_total);
}

}  // namespace

std::string render_comparison_text(const Comparison& c, const CompareInputs& in, size_t top) {
  std::string out = fmt::format("env compare: {} good file(s), {} bad file(s)\n",
                                in.good_files.size(), in.bad_files.size());
  size_t n_exact = 0;
  for (const auto& s : c.ranked) n_exact += s.exact ? 1 : 0;
  size_t shown = 0;
  size_t limit = top == 0 ? c.ranked.size() : top;
  out += fmt::format("\nExact separators (true on every bad observation, on no good one): {}\n",
                     n_exact);
  for (size_t i = 0; i < c.ranked.size() && shown < limit; ++i) {
    const Separator& s = c.ranked[i];
    if (i == n_exact) {
      out +=
          "\nPartial separators, best first (p: one-sided Fisher exact test, a ranking score):\n";
    }
    std::string note;
    if (!s.exact && s.bad_hits == s.bad_total && s.good_hits == 0) {
      note = "  (perfect split, but too few observations to call exact)";
    }
    out += fmt::format("{:3}. {}: {}  p={:.3g}{}\n", i + 1, escape_control(s.text()), counts(s),
                       s.p_value, note);
    out += fmt::format("       bad: {}\n       good: {}\n", values_line(s.bad_values),
                       values_line(s.good_values));
    ++shown;
  }
  if (shown < c.ranked.size()) {
    out += fmt::format("     ... {} more (use --top 0 for all)\n", c.ranked.size() - shown);
  }
  if (!c.no_separation.empty()) {
    out += "\nNo separation:\n";
    for (const auto& u : c.no_separation) {
      out += fmt::format("  {}: {}\n", escape_control(u.attribute), escape_control(u.why));
    }
  }
  if (!c.not_comparable.empty()) {
    // Grouped by reason: fingerprints of different origins share few attributes.
    std::map<std::string, std::vector<std::string>> by_why;
    for (const auto& u : c.not_comparable) by_why[u.why].push_back(u.attribute);
    out += "\nNot comparable:\n";
    for (const auto& [why, attrs] : by_why) {
      out += fmt::format("  {}: {}\n", values_line(attrs, 6), escape_control(why));
    }
  }
  return out;
}

std::string render_comparison_json(const Comparison& c, const CompareInputs& in) {
  using json = nlohmann::ordered_json;  // "schema" first
  json ranked = json::array();
  int rank = 0;
  for (const auto& s : c.ranked) {
    ranked.push_back({{"rank", ++rank},
                      {"attribute", s.attribute},
                      {"op", op_text(s.op)},
                      {"operand", s.operand},
                      {"text", s.text()},
                      {"exact", s.exact},
                      {"bad", {{"hits", s.bad_hits}, {"total", s.bad_total}}},
                      {"good", {{"hits", s.good_hits}, {"total", s.good_total}}},
                      {"p_value", s.p_value},
                      {"bad_values", s.bad_values},
                      {"good_values", s.good_values}});
  }
  auto list = [](const std::vector<Unseparated>& v) {
    json a = json::array();
    for (const auto& u : v) a.push_back({{"attribute", u.attribute}, {"why", u.why}});
    return a;
  };
  json root = {{"schema", "hangscope-env-compare/1"},
               {"good_files", in.good_files},
               {"bad_files", in.bad_files},
               {"separators", std::move(ranked)},
               {"no_separation", list(c.no_separation)},
               {"not_comparable", list(c.not_comparable)}};
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace hangscope::env
