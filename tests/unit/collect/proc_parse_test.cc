#include "collect/proc_parse.h"

#include <gtest/gtest.h>

#include "collect/kallsyms.h"
#include "collect/mountinfo.h"

namespace hangscope::collect {
namespace {

TEST(ProcStat, CommWithParensAndSpaces) {
  auto s = parse_proc_stat(
      "4242 (evil) D (x) D 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 777 0");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->pid, 4242);
  EXPECT_EQ(s->comm, "evil) D (x");
  EXPECT_EQ(s->state, 'D');
  EXPECT_EQ(s->ppid, 1);
  EXPECT_EQ(s->start_ticks, 777u);
  EXPECT_FALSE(parse_proc_stat("garbage").ok());
  EXPECT_FALSE(parse_proc_stat("1 (x)").ok());
}

TEST(ProcStack, ParsesRealStack) {
  auto f = parse_proc_stack(
      "[<0>] super_lock+0xf3/0x120\n[<0>] __iterate_supers+0xcc/0x170\n[<0>] "
      "nfsd_fill_super+0x71/0x200 [nfsd]\n");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].symbol, "super_lock");
  EXPECT_EQ(f[0].offset, 0xf3u);
  EXPECT_EQ(f[2].module, "nfsd");
}

TEST(Mountinfo, DevicesAndEscapes) {
  auto m = parse_mountinfo(
      "36 35 7:0 / /mnt/my\\040img rw,relatime shared:1 - fuseblk /dev/loop0 rw,user_id=0\n"
      "37 35 0:45 / /tmp/f rw - fuse hangfs rw\n"
      "broken line\n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].dev(), (7u << 20) | 0u);
  EXPECT_EQ(m[0].mount_point, "/mnt/my img");
  EXPECT_EQ(m[0].fs_type, "fuseblk");
  EXPECT_EQ(m[0].source, "/dev/loop0");
  EXPECT_EQ(m[1].dev(), 45u);
}

TEST(Kallsyms, SymbolizesAndRejectsZeroedTables) {
  auto k = Kallsyms::parse(
      "ffffffff81000000 T _stext\nffffffff81000100 t super_lock\nffffffff81000200 D some_data\n"
      "ffffffffc0000000 t nfsd_fill_super\t[nfsd]\n");
  ASSERT_EQ(k.size(), 3u);
  auto f = k.symbolize(0xffffffff81000113);
  EXPECT_EQ(f.symbol, "super_lock");
  EXPECT_EQ(f.offset, 0x13u);
  EXPECT_EQ(k.symbolize(0xffffffffc0000071).module, "nfsd");
  EXPECT_EQ(k.symbolize(0x10).symbol, "");
  EXPECT_TRUE(Kallsyms::parse("0000000000000000 T _stext\n0000000000000000 t x\n").empty());
}

}  // namespace
}  // namespace hangscope::collect
