#include "report/escape.h"

#include <gtest/gtest.h>

namespace hangscope::report {
namespace {

TEST(EscapeText, ControlBytesAreEscaped) {
  EXPECT_EQ(escape_text("sync"), "sync");
  EXPECT_EQ(escape_text("a\x1b[31mred"), "a\\e[31mred");
  EXPECT_EQ(escape_text("nl\nx"), "nl\\nx");
  EXPECT_EQ(escape_text(std::string("z\0y", 3)), "z\\x00y");
  EXPECT_EQ(escape_text("\x7f"), "\\x7f");
  EXPECT_EQ(escape_text("back\\slash"), "back\\\\slash");
}

TEST(EscapeText, Utf8PassesInvalidBytesDoNot) {
  EXPECT_EQ(escape_text("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(escape_text("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(escape_text("\xc2\x9b"), "\\xc2\\x9b");  // C1 CSI
  EXPECT_EQ(escape_text("\xe2\x82"), "\\xe2\\x82");  // truncated sequence
}

}  // namespace
}  // namespace hangscope::report
