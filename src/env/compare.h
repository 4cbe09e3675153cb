// env compare: which attributes separate the machines where a bug happens (bad) from the others.
#pragma once

#include <string>
#include <vector>

#include "env/fingerprint.h"

namespace hangscope::env {

/// The test a separator applies to one observation of an attribute.
enum class PredicateOp {
  kAtLeast,    ///< version/number >= operand (ordered attributes)
  kBelow,      ///< version/number < operand
  kEquals,     ///< text == operand (unordered attributes)
  kNotEquals,  ///< text != operand
  kContains,   ///< the set holds operand (modules, fs.types)
  kLacks,      ///< the set does not hold operand
};

/// "op" text: ">=", "<", "==", "!=", "contains", "lacks".
const char* op_text(PredicateOp op);

/// One candidate explanation, oriented so that it holds more often on bad than on good.
struct Separator {
  std::string attribute;
  PredicateOp op = PredicateOp::kEquals;
  std::string operand;
  int bad_hits = 0, bad_total = 0;    ///< bad observations where it holds / all bad observations
  int good_hits = 0, good_total = 0;  ///< the same on the good side
  /// One-sided Fisher exact test: the chance of bad_hits or more if the predicate were
  /// unrelated to good/bad. A ranking score (no correction for the many predicates tried).
  double p_value = 1.0;
  /// Holds on every bad and no good observation, with at least min_support on each side.
  bool exact = false;
  std::vector<std::string> bad_values, good_values;  ///< distinct values seen, for context

  /// "kernel.release >= 5.3".
  std::string text() const;
  /// bad rate minus good rate, in [-1, 1].
  double separation() const;
};

/// An attribute that separates nothing, or cannot be compared.
struct Unseparated {
  std::string attribute;
  std::string why;  ///< "x86_64 on both sides", "missing on every good file: <reason>"
};

/// The ranking of every attribute seen in the inputs.
struct Comparison {
  std::vector<Separator> ranked;  ///< exact separators first, then by p_value, then separation
  std::vector<Unseparated> no_separation;
  std::vector<Unseparated> not_comparable;
};

/// Tuning for compare_fingerprints().
struct CompareOptions {
  /// Observations needed on each side before a perfect split counts as exact (a split of 1 bad
  /// against 2 good machines is as likely to be chance as not).
  int min_support = 2;
};

/// Ranks attributes of `good` against `bad`. Observations: a "value" is one, each element of a
/// "seen" list is one, a "values" set is one (tested per element with contains/lacks).
/// Attributes whose every value starts with a digit are ordered as versions and split by
/// thresholds; the others are tested per value (==/!=). Missing attributes are left out of the
/// counts. Never fails; empty inputs give an empty ranking.
Comparison compare_fingerprints(const std::vector<Fingerprint>& good,
                                const std::vector<Fingerprint>& bad,
                                const CompareOptions& opt = {});

/// P(X >= k) for X hypergeometric: `drawn` draws from `total` items of which `marked` are marked.
double hypergeometric_tail(int total, int marked, int drawn, int k);

}  // namespace hangscope::env
