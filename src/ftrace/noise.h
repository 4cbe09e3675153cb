// Which calls a diff ignores (rescheduling points, spinlocks, interrupt entry) and how function
// names are compared (compiler suffixes and raw addresses dropped).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hangscope::ftrace {

/// Function-name patterns: "name" exact, "prefix*", "*suffix".
class NoiseFilter {
 public:
  /// The default list: cond_resched family, rcu_all_qs, might_sleep checks, raw spinlocks
  /// and rwlocks, preempt counters, RCU read-side markers, interrupt and softirq entry.
  static NoiseFilter defaults();
  /// A filter that matches nothing.
  NoiseFilter() = default;
  void add(std::string pattern);
  /// True when `func` (canonical or raw) matches a pattern.
  bool match(std::string_view func) const;
  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  std::vector<std::string> patterns_;
};

/// The name used to compare calls: "foo.isra.0" -> "foo", "0xffffffff81234567" -> "<addr>".
std::string_view canonical_function(std::string_view func);

}  // namespace hangscope::ftrace
