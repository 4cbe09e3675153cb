#include "core/result.h"

#include <gtest/gtest.h>

#include "core/maybe.h"

namespace hangscope {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return make_error(std::string("not a digit: ") + c);
  return c - '0';
}

TEST(Result, CarriesValueOrError) {
  auto good = parse_digit('7');
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  auto bad = parse_digit('x');
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "not a digit: x");
}

TEST(Maybe, UnknownKeepsReason) {
  Maybe<int> m = Maybe<int>::unknown("no BTF");
  EXPECT_FALSE(m.known());
  EXPECT_EQ(m.why_unknown, "no BTF");
  EXPECT_EQ(m.value_or(-1), -1);
  Maybe<int> k = 3;
  EXPECT_TRUE(k.known());
  EXPECT_EQ(*k, 3);
}

}  // namespace
}  // namespace hangscope
