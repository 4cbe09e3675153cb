#include "demo/mountinfo.h"

#include <gtest/gtest.h>

namespace hangscope::demo {
namespace {

constexpr const char* kFuseblk =
    "42 27 7:0 / /tmp/hfs-VAsY/m rw,nosuid,nodev,relatime - fuseblk /dev/loop0 "
    "rw,user_id=0,group_id=0,blksize=4096";

TEST(ParseMountinfoLine, ReadsDeviceMountPointTypeAndSource) {
  auto e = parse_mountinfo_line(kFuseblk);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->mount_id, 42);
  EXPECT_EQ(e->major, 7u);
  EXPECT_EQ(e->minor, 0u);
  EXPECT_EQ(e->root, "/");
  EXPECT_EQ(e->mount_point, "/tmp/hfs-VAsY/m");
  EXPECT_EQ(e->fs_type, "fuseblk");
  EXPECT_EQ(e->source, "/dev/loop0");
}

TEST(ParseMountinfoLine, SkipsOptionalFieldsBeforeTheDash) {
  auto e = parse_mountinfo_line(
      "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 shared:7 - ext3 /dev/root "
      "rw,errors=continue\r");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->mount_point, "/mnt/with space");
  EXPECT_EQ(e->fs_type, "ext3");
  EXPECT_EQ(e->source, "/dev/root");
}

TEST(ParseMountinfoLine, RejectsTruncatedAndBadNumbers) {
  EXPECT_FALSE(parse_mountinfo_line("").ok());
  EXPECT_FALSE(parse_mountinfo_line("42 27 7:0 / /m rw - fuseblk").ok());
  EXPECT_FALSE(parse_mountinfo_line("42 27 7:0 / /m rw shared:1 x y z").ok());
  EXPECT_FALSE(parse_mountinfo_line("x 27 7:0 / /m rw - fuse /dev/fuse rw").ok());
  EXPECT_FALSE(parse_mountinfo_line("42 27 70 / /m rw - fuse /dev/fuse rw").ok());
}

TEST(UnescapeMountField, DecodesOctalEscapesOnly) {
  EXPECT_EQ(unescape_mount_field("a\\040b\\011c\\012d\\134e"), "a b\tc\nd\\e");
  EXPECT_EQ(unescape_mount_field("trailing\\04"), "trailing\\04");
  EXPECT_EQ(unescape_mount_field("\\999"), "\\999");
}

TEST(ParseMountinfo, SkipsMalformedLinesAndFindsTheTopmostMount) {
  std::string text = std::string("garbage\n") + kFuseblk + "\n" +
                     "50 42 0:40 / /tmp/hfs-VAsY/m rw - fuse /dev/fuse rw\n";
  auto mounts = parse_mountinfo(text);
  ASSERT_EQ(mounts.size(), 2u);
  auto m = find_mount(mounts, "/tmp/hfs-VAsY/m");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->mount_id, 50);
  EXPECT_FALSE(find_mount(mounts, "/tmp/hfs-VAsY").has_value());
}

TEST(FuseConnectionId, IsTheKernelDeviceEncoding) {
  EXPECT_EQ(fuse_connection_id(7, 0), 7340032u);
  EXPECT_EQ(fuse_connection_id(7, 3), 7340035u);
  EXPECT_EQ(fuse_connection_id(0, 40), 40u);
}

TEST(ReadMountinfo, ListsTheRootMount) {
  auto mounts = read_mountinfo();
  ASSERT_TRUE(mounts.ok()) << mounts.error().message;
  EXPECT_TRUE(find_mount(*mounts, "/").has_value());
}

}  // namespace
}  // namespace hangscope::demo
