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

#include "analyze/analyze.h"
#include "report/dot_report.h"
#include "report/json_report.h"
#include "report/text_report.h"
#include "unit/analyze/snapshot_builder.h"

namespace hangscope::report {
namespace {

TEST(Reports, HostileCommIsEscapedEverywhere) {
  model::Snapshot s;
  auto t =
      testing::task(5, "\x1b]0;pwn\x07\n\xff", model::TaskState::disk_sleep, 0x5, {"io_schedule"});
  s.tasks.push_back(t);
  auto f = analyze::analyze(s);
  ASSERT_EQ(f.chains.size(), 1u);
  std::string text = render_text(f), dot = render_dot(f), json = render_json(f, s);
  for (const std::string* out : {&text, &dot, &json}) {
    EXPECT_EQ(out->find('\x1b'), std::string::npos) << *out;
    EXPECT_EQ(out->find('\x07'), std::string::npos) << *out;
  }
  EXPECT_NE(text.find("\\e]0;pwn\\x07\\n\\xff"), std::string::npos) << text;
  auto j = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
}

}  // namespace
}  // namespace hangscope::report
