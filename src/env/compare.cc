#include "env/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "env/version.h"

namespace hangscope::env {

const char* op_text(PredicateOp op) {
  switch (op) {
    case PredicateOp::kAtLeast:
      return ">=";
    case PredicateOp::kBelow:
      return "<";
    case PredicateOp::kEquals:
      return "==";
    case PredicateOp::kNotEquals:
      return "!=";
    case PredicateOp::kContains:
      return "contains";
    case PredicateOp::kLacks:
      return "lacks";
  }
  return "?";
}

std::string Separator::text() const {
  return fmt::format("{} {} {}", attribute, op_text(op), operand);
}

double Separator::separation() const {
  double b = bad_total ? static_cast<double>(bad_hits) / bad_total : 0;
  double g = good_total ? static_cast<double>(good_hits) / good_total : 0;
  return b - g;
}

double hypergeometric_tail(int total, int marked, int drawn, int k) {
  auto log_choose = [](int n, int r) {
    return std::lgamma(n + 1.0) - std::lgamma(r + 1.0) - std::lgamma(n - r + 1.0);
  };
  double p = 0;
  int hi = std::min(marked, drawn);
  for (int x = std::max(k, 0); x <= hi; ++x) {
    if (drawn - x > total - marked) continue;
    p += std::exp(log_choose(marked, x) + log_choose(total - marked, drawn - x) -
                  log_choose(total, drawn));
  }
  return std::min(p, 1.0);
}

namespace {

// All observations of one attribute on one side; each observation is a set of strings
// (one string for scalar observations).
using Observation = std::vector<std::string>;

struct AttributeData {
  std::vector<Observation> good, bad;
  bool is_set = false;
  std::string good_missing, bad_missing;  // a reason seen, when some file lacks it
};

void add_observations(const Fingerprint& fp, bool bad, std::map<std::string, AttributeData>& out) {
  for (const auto& [name, a] : fp.attrs) {
    AttributeData& d = out[name];
    auto& side = bad ? d.bad : d.good;
    if (!a.known()) {
      (bad ? d.bad_missing : d.good_missing) = a.reason;
    } else if (a.kind == AttrKind::kSeen) {
      for (const auto& v : a.values) side.push_back({v});
    } else if (a.kind == AttrKind::kSet) {
      d.is_set = true;
      side.push_back(a.values);
    } else {
      side.push_back(a.values);
    }
  }
}

std::vector<std::string> distinct(const std::vector<Observation>& obs, bool ordered) {
  std::set<std::string> s;
  for (const auto& o : obs) s.insert(o.begin(), o.end());
  std::vector<std::string> v(s.begin(), s.end());
  if (ordered) std::stable_sort(v.begin(), v.end(), VersionLess());
  return v;
}

// Scores `holds` on both sides and orients it (op or its complement) towards bad.
template <typename Holds>
Separator score(const std::string& attr, PredicateOp op, PredicateOp complement,
                const std::string& operand, const AttributeData& d, Holds holds) {
  Separator s;
  s.attribute = attr;
  s.op = op;
  s.operand = operand;
  s.bad_total = static_cast<int>(d.bad.size());
  s.good_total = static_cast<int>(d.good.size());
  for (const auto& o : d.bad) s.bad_hits += holds(o) ? 1 : 0;
  for (const auto& o : d.good) s.good_hits += holds(o) ? 1 : 0;
  if (s.separation() < 0) {
    s.op = complement;
    s.bad_hits = s.bad_total - s.bad_hits;
    s.good_hits = s.good_total - s.good_hits;
  }
  s.p_value = hypergeometric_tail(s.bad_total + s.good_total, s.bad_hits + s.good_hits, s.bad_total,
                                  s.bad_hits);
  return s;
}

// True when a is a better explanation than b.
bool better(const Separator& a, const Separator& b) {
  if (a.exact != b.exact) return a.exact;
  // p values come from lgamma/exp: equal fractions may differ in the last bits.
  if (std::fabs(a.p_value - b.p_value) > 1e-9) return a.p_value < b.p_value;
  if (std::fabs(a.separation() - b.separation()) > 1e-9) return a.separation() > b.separation();
  return a.text() < b.text();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Comparison compare_fingerprints(const std::vector<Fingerprint>& good,
                                const std::vector<Fingerprint>& bad, const CompareOptions& opt) {
  std::map<std::string, AttributeData> data;
  for (const auto& fp : good) add_observations(fp, false, data);
  for (const auto& fp : bad) add_observations(fp, true, data);

  Comparison result;
  for (auto& [name, d] : data) {
    if (d.good.empty() || d.bad.empty()) {
      bool neither = d.good.empty() && d.bad.empty();
      std::string reason = d.good.empty() ? d.good_missing : d.bad_missing;
      if (reason.empty() && neither) reason = d.bad_missing;
      std::string why =
          neither ? std::string("no value on either side")
                  : fmt::format("no value on the {} side", d.good.empty() ? "good" : "bad");
      if (!reason.empty()) why += ": " + reason;
      result.not_comparable.push_back({name, why});
      continue;
    }
    std::vector<Observation> all = d.good;
    all.insert(all.end(), d.bad.begin(), d.bad.end());
    bool ordered = !d.is_set;
    for (const auto& o : all) {
      for (const auto& v : o) ordered = ordered && is_version_like(v);
    }
    std::vector<std::string> values = distinct(all, ordered);
    std::vector<Separator> candidates;
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string& v = values[i];
      if (d.is_set) {
        auto has = [&](const Observation& o) {
          return std::find(o.begin(), o.end(), v) != o.end();
        };
        candidates.push_back(score(name, PredicateOp::kContains, PredicateOp::kLacks, v, d, has));
      } else if (ordered) {
        if (i == 0) continue;                                   // ">= smallest" holds everywhere
        if (compare_versions(values[i - 1], v) == 0) continue;  // same version, other spelling
        auto at_least = [&](const Observation& o) { return compare_versions(o[0], v) >= 0; };
        candidates.push_back(
            score(name, PredicateOp::kAtLeast, PredicateOp::kBelow, v, d, at_least));
      } else {
        auto eq = [&](const Observation& o) { return o[0] == v; };
        candidates.push_back(score(name, PredicateOp::kEquals, PredicateOp::kNotEquals, v, d, eq));
      }
    }
    for (auto& c : candidates) {
      c.exact = c.bad_hits == c.bad_total && c.good_hits == 0 && c.bad_total >= opt.min_support &&
                c.good_total >= opt.min_support;
      c.bad_values = distinct(d.bad, ordered);
      c.good_values = distinct(d.good, ordered);
    }
    // Sets: every separating element is its own row. Others: the attribute's best predicate.
    std::sort(candidates.begin(), candidates.end(), better);
    bool any = false;
    for (const auto& c : candidates) {
      if (c.separation() <= 0) continue;
      result.ranked.push_back(c);
      any = true;
      if (!d.is_set) break;
    }
    if (!any) {
      std::vector<std::string> shown = values;
      if (shown.size() > 8) {
        shown.resize(8);
        shown.push_back("...");
      }
      std::string why = values.size() == 1 ? fmt::format("{} on both sides", values[0])
                        : values.empty()   ? std::string("empty on both sides")
                                           : fmt::format(
                                                 "no value more frequent on the bad side "
                                                   "(values: {})",
                                                 join(shown));
      result.no_separation.push_back({name, why});
    }
  }
  std::stable_sort(result.ranked.begin(), result.ranked.end(), better);
  return result;
}

}  // namespace hangscope::env
