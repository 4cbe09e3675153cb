// The taint mask: the /proc number and the Oops header's letters decode to the same bits.
#include "kernel/taint.h"

#include <gtest/gtest.h>

namespace hangscope::kernel {
namespace {

TEST(Taint, ProcNumberParsing) {
  EXPECT_EQ(taint_mask_from_proc("0\n"), 0u);
  EXPECT_EQ(taint_mask_from_proc("4097\n"), 4097u);
  EXPECT_EQ(taint_mask_from_proc(" 128 "), 128u);
  EXPECT_EQ(taint_mask_from_proc("x"), std::nullopt);
  EXPECT_EQ(taint_mask_from_proc(""), std::nullopt);
  EXPECT_EQ(taint_mask_from_proc("12 3"), std::nullopt);
  EXPECT_EQ(taint_mask_from_proc("-1"), std::nullopt);
}

TEST(Taint, LettersInKernelOrder) {
  EXPECT_EQ(taint_letters(0), "");
  EXPECT_EQ(taint_letters(1u << 7), "D");                         // an Oops
  EXPECT_EQ(taint_letters((1u << 7) | (1u << 9)), "DW");          // Oops + warning
  EXPECT_EQ(taint_letters(1u | (1u << 12) | (1u << 13)), "POE");  // proprietary, OOT, unsigned
  EXPECT_EQ(taint_letters(1u << 19), "J");
  EXPECT_EQ(taint_letters(uint64_t{1} << 40), "?40");
}

TEST(Taint, OopsHeaderLettersGiveTheSameBitsAsProc) {
  // "Tainted: G      D W  O     6.1.0 #1": G is the clear proprietary bit, spaces are clear bits.
  std::uint64_t m = taint_mask_from_letters("G      D W  O");
  EXPECT_EQ(m, taint_bit(Taint::die) | taint_bit(Taint::warn) | taint_bit(Taint::oot_module));
  EXPECT_EQ(taint_mask_from_letters("G D W O"), m);  // the log parser's compacted form
  EXPECT_EQ(taint_mask_from_letters(taint_letters(4224)), 4224u);
  EXPECT_EQ(taint_mask_from_letters("P"), taint_bit(Taint::proprietary_module));
  EXPECT_EQ(taint_mask_from_letters("G"), 0u);
  EXPECT_EQ(taint_mask_from_letters(""), 0u);
  EXPECT_EQ(taint_mask_from_letters("not tainted"), 0u);  // lower case is no flag letter
}

TEST(Taint, DieBitIsTheOopsBit) {
  EXPECT_TRUE(has_taint(0x80, Taint::die));
  EXPECT_FALSE(has_taint(0x200, Taint::die));
  EXPECT_TRUE(has_taint(taint_mask_from_letters("G D"), Taint::die));
}

}  // namespace
}  // namespace hangscope::kernel
