#include "log/prefix.h"

#include <gtest/gtest.h>

namespace hangscope::log {
namespace {

TEST(Prefix, PrintkTimestamp) {
  LogLine l = strip_prefix("[  304.086228] BUG: kernel NULL pointer dereference");
  EXPECT_EQ(l.text, "BUG: kernel NULL pointer dereference");
  EXPECT_DOUBLE_EQ(l.timestamp, 304.086228);
  EXPECT_EQ(l.context.kind, ContextKind::console);
}

TEST(Prefix, CallerIdsAttachedOrSpacedOrAlone) {
  LogLine a = strip_prefix("[ 1052.080846][   T41] INFO: task hung");
  EXPECT_EQ(a.text, "INFO: task hung");
  EXPECT_EQ(a.context.kind, ContextKind::task);
  EXPECT_EQ(a.context.id, 41);
  LogLine b = strip_prefix("[   12.5] [    C3] irq text");
  EXPECT_EQ(b.text, "irq text");
  EXPECT_EQ(b.context.kind, ContextKind::cpu);
  EXPECT_EQ(b.context.id, 3);
  LogLine c = strip_prefix("[T1234] no timestamp");
  EXPECT_EQ(c.text, "no timestamp");
  EXPECT_EQ(c.context.id, 1234);
  EXPECT_LT(c.timestamp, 0);
}

TEST(Prefix, LevelsAndFrameIndentKept) {
  LogLine l = strip_prefix("<4>[   10.000001]  ? vfs_read+0x1/0x2");
  EXPECT_EQ(l.level, 4);
  EXPECT_EQ(l.text, " ? vfs_read+0x1/0x2");  // one space of the frame indent survives
}

TEST(Prefix, DmesgWallClock) {
  LogLine l = strip_prefix("[Wed Nov 25 10:04:58 2026] BUG: foo");
  EXPECT_EQ(l.text, "BUG: foo");
  EXPECT_EQ(l.context.kind, ContextKind::console);
}

TEST(Prefix, JournaldAndSyslog) {
  LogLine j = strip_prefix("Nov 25 10:04:58.512044 vmhost kernel: BUG: foo");
  EXPECT_EQ(j.text, "BUG: foo");
  EXPECT_EQ(j.context.kind, ContextKind::console);
  LogLine k = strip_prefix("Nov 25 10:04:58 vmhost kernel: [  298.512044] docker0: port");
  EXPECT_EQ(k.text, "docker0: port");
  EXPECT_DOUBLE_EQ(k.timestamp, 298.512044);
  LogLine iso = strip_prefix("2026-11-25T10:04:58.512044+00:00 vmhost kernel: [ 1.5] x");
  EXPECT_EQ(iso.text, "x");
  LogLine user = strip_prefix("Nov 25 10:00:00 vmhost systemd[1]: Started Docker.");
  EXPECT_EQ(user.context.kind, ContextKind::none);
}

TEST(Prefix, SyzbotConsoleNoise) {
  LogLine d = strip_prefix("** 12 printk messages dropped ** [  100.1] BUG: x");
  EXPECT_EQ(d.text, "BUG: x");
  LogLine l = strip_prefix("syzkaller login: [   12.5] WARNING: y");
  EXPECT_EQ(l.text, "WARNING: y");
  EXPECT_EQ(l.context.kind, ContextKind::console);
}

TEST(Prefix, UnknownTextUnchanged) {
  for (std::string_view s : {"", "[", "[ 12.x] a", "<9", "\xff\xfe garbage", "[T] x", "Nov"}) {
    LogLine l = strip_prefix(s);
    EXPECT_EQ(l.text, s);
    EXPECT_EQ(l.context.kind, ContextKind::none);
  }
}

}  // namespace
}  // namespace hangscope::log
