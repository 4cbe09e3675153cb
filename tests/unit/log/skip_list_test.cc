// SkipList (indexed substring patterns, memoised results) must answer exactly as the plain
// pattern language says: "x" substring, "^x" prefix, "x$" suffix, "^x$" exact.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "log/text_match.h"

namespace hangscope::log {
namespace {

bool naive(std::string_view f, std::string_view p) {
  bool pre = p.starts_with('^'), suf = p.ends_with('$');
  if (pre) p.remove_prefix(1);
  if (suf) p.remove_suffix(1);
  if (pre && suf) return f == p;
  if (pre) return f.starts_with(p);
  if (suf) return f.ends_with(p);
  return f.find(p) != std::string_view::npos;
}

bool naive_skips(std::string_view f, const std::vector<std::string_view>& extra, bool common) {
  for (std::string_view p : extra)
    if (naive(f, p)) return true;
  if (common)
    for (std::string_view p : common_skip_patterns())
      if (naive(f, p)) return true;
  return false;
}

TEST(SkipList, AgreesWithThePatternLanguage) {
  const std::vector<std::string_view> extra = {"rcu", "^down$", "_lock", "sb_", "^foo_", "bar$"};
  SkipList with_common({"rcu", "^down$", "_lock", "sb_", "^foo_", "bar$"});
  SkipList own_only({"rcu", "^down$", "_lock", "sb_", "^foo_", "bar$"}, false);
  SkipList common_only({});
  std::mt19937 rng(3);
  const std::string alphabet = "abcdeklmnoprstuw_";
  std::vector<std::string> names = {"",           "down",         "down_read", "kfree",
                                    "kfree_skb",  "xkfree",       "rcu",       "iterate_supers",
                                    "foo_x",      "x_foo_",       "crc32",     "my_crc",
                                    "mutex_lock", "__mutex_lock", "sb_wait",   "bar"};
  // Names built around the patterns themselves, cut and padded at random.
  for (int i = 0; i < 4000; ++i) {
    std::string_view p = common_skip_patterns()[rng() % common_skip_patterns().size()];
    std::string s;
    for (int k = rng() % 4; k > 0; --k) s += alphabet[rng() % alphabet.size()];
    std::string core(p);
    if (!core.empty() && core[0] == '^') core.erase(0, 1);
    if (!core.empty() && core.back() == '$') core.pop_back();
    if (rng() % 3 == 0 && core.size() > 2) core.erase(rng() % core.size(), 1);
    s += core;
    for (int k = rng() % 4; k > 0; --k) s += alphabet[rng() % alphabet.size()];
    names.push_back(s);
  }
  int skipped = 0;
  for (int round = 0; round < 2; ++round) {  // the second round answers from the memos
    for (const std::string& n : names) {
      ASSERT_EQ(with_common.skips(n), naive_skips(n, extra, true)) << n;
      ASSERT_EQ(own_only.skips(n), naive_skips(n, extra, false)) << n;
      ASSERT_EQ(common_only.skips(n), naive_skips(n, {}, true)) << n;
      skipped += with_common.skips(n);
    }
  }
  EXPECT_GT(skipped, 1000);                   // the names do hit patterns...
  EXPECT_LT(skipped, 2 * (int)names.size());  // ...and not all of them
}

}  // namespace
}  // namespace hangscope::log
