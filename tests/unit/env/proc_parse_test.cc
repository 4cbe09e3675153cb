#include "env/proc_parse.h"

#include <gtest/gtest.h>

#include "unit/env/env_fixture.h"

namespace hangscope::env {
namespace {

using testing::read_env_data;

TEST(OsRelease, UbuntuQuotedValues) {
  auto kv = parse_os_release(read_env_data("proc/os-release-ubuntu-18.04"));
  EXPECT_EQ(kv["PRETTY_NAME"], "Ubuntu 18.04.4 LTS");
  EXPECT_EQ(kv["ID"], "ubuntu");
  EXPECT_EQ(kv["VERSION_ID"], "18.04");
  EXPECT_EQ(kv["ID_LIKE"], "debian");
}

TEST(OsRelease, CrlfLinesLoseTheirCarriageReturn) {
  auto kv = parse_os_release(read_env_data("proc/os-release-centos-7-crlf"));
  EXPECT_EQ(kv["PRETTY_NAME"], "CentOS Linux 7 (Core)");
  EXPECT_EQ(kv["VERSION_ID"], "7");
  EXPECT_EQ(kv["ID_LIKE"], "rhel fedora");
}

TEST(OsRelease, CommentsEscapesAndGarbage) {
  auto kv = parse_os_release(read_env_data("proc/os-release-tricky"));
  EXPECT_EQ(kv["NAME"], "Deepin");
  EXPECT_EQ(kv["PRETTY_NAME"], "Deepin \"20\" Beta");
  EXPECT_EQ(kv["ID"], "deepin");
  EXPECT_FALSE(kv.contains("BAD KEY"));
  EXPECT_FALSE(kv.contains(""));
  EXPECT_EQ(kv.size(), 4u);
}

TEST(OsRelease, BinaryGarbageGivesNoCrashAndFewKeys) {
  std::string junk("\0\xff=\n=\n\"\"\"=\n\\", 12);
  EXPECT_TRUE(parse_os_release(junk).empty());
  EXPECT_TRUE(parse_os_release("").empty());
}

TEST(CpuInfo, X86ModelCountAndHypervisorFlag) {
  CpuInfo cpu = parse_cpuinfo(read_env_data("proc/cpuinfo-x86-2cpu"));
  EXPECT_EQ(cpu.model, "AMD EPYC");
  EXPECT_EQ(cpu.count, 2);
  EXPECT_TRUE(cpu.hypervisor);
}

TEST(CpuInfo, Arm64FallsBackToHardware) {
  CpuInfo cpu = parse_cpuinfo(read_env_data("proc/cpuinfo-arm64-4cpu"));
  EXPECT_EQ(cpu.model, "Raspberry Pi 4 Model B Rev 1.4");
  EXPECT_EQ(cpu.count, 4);
  EXPECT_FALSE(cpu.hypervisor);
}

TEST(CpuInfo, HypervisorMustBeAWholeFlag) {
  EXPECT_FALSE(parse_cpuinfo("processor : 0\nflags : fpu hypervisorx xhypervisor\n").hypervisor);
  EXPECT_TRUE(parse_cpuinfo("flags\t\t: hypervisor\n").hypervisor);
}

TEST(MemInfo, TotalInKib) {
  EXPECT_EQ(parse_meminfo_total_kib(read_env_data("proc/meminfo-8g")), 8105064u);
  EXPECT_EQ(parse_meminfo_total_kib("MemFree: 12 kB\n"), std::nullopt);
  EXPECT_EQ(parse_meminfo_total_kib("MemTotal: lots kB\n"), std::nullopt);
}

TEST(Modules, NamesSortedAndUnique) {
  auto m = parse_modules(read_env_data("proc/modules-seed"));
  std::vector<std::string> want = {"9pnet", "9pnet_virtio", "kvm", "kvm_intel",
                                   "loop",  "minix",        "nfsd"};
  EXPECT_EQ(m, want);
}

TEST(MountInfo, FsTypesAfterTheSeparator) {
  auto t = parse_mountinfo_fstypes(read_env_data("proc/mountinfo-docker"));
  std::vector<std::string> want = {"ext4", "fuseblk", "overlay", "proc", "sysfs", "tmpfs"};
  EXPECT_EQ(t, want);
}

TEST(ToolVersion, BannersOfRealTools) {
  EXPECT_EQ(parse_tool_version("Docker version 19.03.8, build afacb8b7f0\n"), "19.03.8");
  EXPECT_EQ(parse_tool_version("GNU bash, version 5.0.17(1)-release (x86_64-pc-linux-gnu)\n"),
            "5.0.17");
  EXPECT_EQ(parse_tool_version("podman version 4.3.1\n"), "4.3.1");
  EXPECT_EQ(parse_tool_version("containerd github.com/containerd/containerd v1.6.20 2806fc1\n"),
            "1.6.20");
  EXPECT_EQ(parse_tool_version(
                "containerd containerd.io 1.6.21 3dce8eb055cbb6872793272b4f20ed16117344f8"),
            "1.6.21");
}

TEST(ToolVersion, NoVersionInErrorText) {
  EXPECT_EQ(parse_tool_version("bash: docker: command not found\n"), std::nullopt);
  EXPECT_EQ(parse_tool_version("build 2806fc1 42"), std::nullopt);
  EXPECT_EQ(parse_tool_version(""), std::nullopt);
}

}  // namespace
}  // namespace hangscope::env
