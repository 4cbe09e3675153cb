#include "env/version.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace hangscope::env {
namespace {

TEST(Version, NumbersCompareAsNumbersNotText) {
  EXPECT_GT(compare_versions("5.10", "5.9"), 0);
  EXPECT_LT(compare_versions("4.15", "5.0"), 0);
  EXPECT_GT(compare_versions("4.19", "4.4"), 0);
  EXPECT_EQ(compare_versions("19.03", "19.3"), 0);
  EXPECT_GT(compare_versions("10", "9"), 0);
}

TEST(Version, KernelReleasesAgainstShortThresholds) {
  EXPECT_GE(compare_versions("5.3.0-51-generic", "5.3"), 0);
  EXPECT_LT(compare_versions("5.2.21-generic", "5.3"), 0);
  EXPECT_GT(compare_versions("5.4.0-26-generic", "5.3.0-51-generic"), 0);
  EXPECT_GT(compare_versions("5.3.0-51-generic", "5.3.0-46-generic"), 0);
}

TEST(Version, PrefixSortsFirstAndTextAfterNumbersLoses) {
  EXPECT_LT(compare_versions("5.3", "5.3.1"), 0);
  EXPECT_GT(compare_versions("5.3.1", "5.3rc"), 0);  // number beats text at the same place
  EXPECT_EQ(compare_versions("", ""), 0);
  EXPECT_LT(compare_versions("", "1"), 0);
}

TEST(Version, SortingTheSeedKernels) {
  std::vector<std::string> v = {"5.3", "4.4", "5.0", "4.19", "5.2", "4.15", "5.4"};
  std::sort(v.begin(), v.end(), VersionLess());
  std::vector<std::string> want = {"4.4", "4.15", "4.19", "5.0", "5.2", "5.3", "5.4"};
  EXPECT_EQ(v, want);
}

TEST(Version, VersionLikeStartsWithADigit) {
  EXPECT_TRUE(is_version_like("5.3"));
  EXPECT_TRUE(is_version_like("7915"));
  EXPECT_FALSE(is_version_like("i5-6500"));
  EXPECT_FALSE(is_version_like("Ubuntu 18.04"));
  EXPECT_FALSE(is_version_like(""));
}

TEST(Version, LongDigitRunsDoNotOverflow) {
  std::string big(500, '9');
  EXPECT_GT(compare_versions(big, "1" + std::string(498, '0')), 0);
  EXPECT_EQ(compare_versions("000123", "123"), 0);
}

}  // namespace
}  // namespace hangscope::env
