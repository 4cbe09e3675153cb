// The probes on a fake system built from fixture text (the real machine has no DMI, no
// /proc/modules and no podman, so those paths are only reachable this way).
#include "env/collect.h"

#include <gtest/gtest.h>

#include <map>

#include "env/summary.h"
#include "unit/env/env_fixture.h"

namespace hangscope::env {
namespace {

using testing::read_env_data;

class FakeSystem final : public System {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> env;
  std::map<std::string, ProcessOutput> programs;  // by argv[0]
  std::vector<std::vector<std::string>> ran;
  std::string arch = "x86_64", cpuid;

  Result<std::string> read_file(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return make_error(path + ": No such file or directory");
    return it->second;
  }
  bool exists(const std::string& path) override {
    for (const auto& [p, _] : files)
      if (p == path || p.starts_with(path)) return true;
    return false;
  }
  Result<std::vector<std::string>> list_dir(const std::string& path) override {
    std::vector<std::string> names;
    for (const auto& [p, _] : files) {
      if (p.starts_with(path) && p.find('/', path.size()) == std::string::npos)
        names.push_back(p.substr(path.size()));
    }
    return names;
  }
  Result<ProcessOutput> run(const std::vector<std::string>& argv,
                            std::chrono::milliseconds) override {
    ran.push_back(argv);
    auto it = programs.find(argv[0]);
    if (it == programs.end()) return make_error(argv[0] + ": not found in PATH");
    return it->second;
  }
  std::string machine() override { return arch; }
  std::string cpuid_hypervisor() override { return cpuid; }
  std::string getenv(const std::string& name) override {
    auto it = env.find(name);
    return it == env.end() ? "" : it->second;
  }
};

// A 5.3 Ubuntu host with the seed's modules loaded, VirtualBox DMI, docker installed.
FakeSystem seed_host() {
  FakeSystem s;
  s.files["/proc/sys/kernel/osrelease"] = "5.3.0-51-generic\n";
  s.files["/proc/sys/kernel/version"] = "#55~18.04.1-Ubuntu SMP Wed Apr 22 15:23:06 UTC 2020\n";
  s.files["/proc/sys/kernel/tainted"] = "4224\n";  // D (bit 7) + O (bit 12)
  s.files["/proc/sys/kernel/hostname"] = "lab\n";
  s.files["/boot/config-5.3.0-51-generic"] = read_env_data("proc/config-5.3-excerpt");
  s.files["/etc/os-release"] = read_env_data("proc/os-release-ubuntu-18.04");
  s.files["/proc/cpuinfo"] = read_env_data("proc/cpuinfo-x86-2cpu");
  s.files["/proc/meminfo"] = read_env_data("proc/meminfo-8g");
  s.files["/proc/modules"] = read_env_data("proc/modules-seed");
  s.files["/proc/self/mountinfo"] = read_env_data("proc/mountinfo-docker");
  s.files["/proc/sys/kernel/hung_task_timeout_secs"] = "120\n";
  s.files["/proc/sys/kernel/hung_task_panic"] = "0\n";
  s.files["/sys/class/dmi/id/sys_vendor"] = "innotek GmbH\n";
  s.files["/sys/class/dmi/id/product_name"] = "VirtualBox\n";
  s.programs["docker"] = {"Docker version 19.03.8, build afacb8b7f0\n", 0, false};
  s.programs["bash"] = {"GNU bash, version 5.0.17(1)-release (x86_64-pc-linux-gnu)\n", 0, false};
  s.programs["containerd"] = {"", -1, true};
  s.env["SHELL"] = "/bin/bash";
  return s;
}

TEST(Collect, SeedHostFromFixtures) {
  FakeSystem sys = seed_host();
  Fingerprint fp = collect_fingerprint(sys);
  EXPECT_EQ(fp.label, "lab");
  EXPECT_EQ(fp.first_or("kernel.release", ""), "5.3.0-51-generic");
  EXPECT_EQ(fp.first_or("kernel.taint", ""), "DO");
  EXPECT_EQ(fp.first_or("kernel.taint_mask", ""), "4224");
  EXPECT_EQ(fp.first_or("kernel.config_source", ""), "/boot/config-5.3.0-51-generic");
  EXPECT_EQ(fp.first_or("config.CONFIG_DETECT_HUNG_TASK", ""), "y");
  EXPECT_EQ(fp.first_or("config.CONFIG_LOCKDEP", ""), "n");
  EXPECT_EQ(fp.first_or("config.CONFIG_NFSD", ""), "m");
  EXPECT_EQ(fp.first_or("config.CONFIG_DEBUG_INFO_BTF", ""), "y");
  EXPECT_EQ(fp.find("config.CONFIG_CC_IS_GCC"), nullptr);
  EXPECT_EQ(fp.first_or("distro", ""), "Ubuntu 18.04.4 LTS");
  EXPECT_EQ(fp.first_or("distro.version_id", ""), "18.04");
  EXPECT_EQ(fp.first_or("cpu.count", ""), "2");
  EXPECT_EQ(fp.first_or("memory.total_mib", ""), "7915");
  EXPECT_EQ(fp.first_or("virt.vm", ""), "oracle");
  EXPECT_EQ(fp.first_or("virt.container", ""), "none");
  EXPECT_EQ(fp.first_or("product", ""), "innotek GmbH VirtualBox");
  EXPECT_EQ(fp.first_or("container.docker.version", ""), "19.03.8");
  EXPECT_EQ(fp.first_or("shell.bash.version", ""), "5.0.17");
  EXPECT_EQ(fp.find("modules")->kind, AttrKind::kSet);
  EXPECT_EQ(fp.find("modules")->values.size(), 7u);
  EXPECT_EQ(fp.first_or("sysctl.kernel.hung_task_timeout_secs", ""), "120");
  EXPECT_TRUE(fp.find("sysctl.kernel.hung_task_timeout_secs")->numeric);
  // Missing items say why.
  const AttrValue* podman = fp.find("container.podman.version");
  ASSERT_NE(podman, nullptr);
  EXPECT_EQ(podman->reason, "podman: not found in PATH");
  EXPECT_NE(fp.find("container.containerd.version")->reason.find("killed"), std::string::npos);
  // Every runtime is asked for its version, never anything that talks to a daemon.
  for (const auto& argv : sys.ran) {
    ASSERT_EQ(argv.size(), 2u);
    EXPECT_EQ(argv[1], "--version");
  }
}

TEST(Collect, BareHostRecordsReasons) {
  FakeSystem sys;
  sys.files["/proc/sys/kernel/osrelease"] = "6.1.0\n";
  sys.files["/proc/sys/kernel/tainted"] = "garbage\n";
  Fingerprint fp = collect_fingerprint(sys);
  EXPECT_EQ(fp.find("kernel.config_hash")->reason, "no /proc/config.gz and no /boot/config-6.1.0");
  EXPECT_FALSE(fp.find("kernel.taint")->known());
  EXPECT_NE(fp.find("kernel.taint")->reason.find("not a number"), std::string::npos);
  EXPECT_NE(fp.find("product")->reason.find("no /sys/class/dmi/id/"), std::string::npos);
  EXPECT_NE(fp.find("distro")->reason.find("/etc/os-release"), std::string::npos);
  EXPECT_NE(fp.find("modules")->reason.find("/proc/modules"), std::string::npos);
  EXPECT_NE(fp.find("sysctl.kernel.hung_task_timeout_secs")->reason.find("CONFIG_DETECT_HUNG_TASK"),
            std::string::npos);
  EXPECT_EQ(fp.first_or("virt.vm", ""), "none");
  EXPECT_EQ(fp.find("shell.login")->reason, "$SHELL is not set");
  for (const auto& [name, a] : fp.attrs) {
    if (!a.known()) {
      EXPECT_FALSE(a.reason.empty()) << name;
    }
  }
}

TEST(Collect, ProcConfigGzWinsAndCorruptGzIsExplained) {
  FakeSystem sys = seed_host();
  sys.files["/proc/config.gz"] = read_env_data("proc/config-5.3-excerpt.gz");
  Fingerprint fp;
  probe_kernel_config(sys, fp);
  EXPECT_EQ(fp.first_or("kernel.config_source", ""), "/proc/config.gz");
  std::string hash = fp.first_or("kernel.config_hash", "");

  sys.files["/proc/config.gz"] = read_env_data("proc/config-5.3-excerpt-truncated.gz");
  Fingerprint fallback;
  probe_kernel_config(sys, fallback);
  EXPECT_EQ(fallback.first_or("kernel.config_source", ""), "/boot/config-5.3.0-51-generic");
  EXPECT_EQ(fallback.first_or("kernel.config_hash", ""), hash) << "same text, same hash";

  sys.files.erase("/boot/config-5.3.0-51-generic");
  Fingerprint none;
  probe_kernel_config(sys, none);
  EXPECT_NE(none.find("kernel.config_hash")->reason.find("/proc/config.gz: gzip"),
            std::string::npos)
      << none.find("kernel.config_hash")->reason;
}

TEST(Summary, OneLineFromAFingerprint) {
  FakeSystem sys = seed_host();
  Fingerprint fp = collect_fingerprint(sys);
  EXPECT_EQ(fingerprint_summary(fp),
            "Linux 5.3.0-51-generic x86_64, Ubuntu 18.04.4 LTS, vm oracle, container none, "
            "runtimes docker 19.03.8");
  Fingerprint empty;
  // Runtimes not probed (fingerprint_summary_quick, reports on a hung machine): not mentioned.
  EXPECT_EQ(fingerprint_summary(empty), "Linux ? ?, ?, vm ?, container ?");
}

TEST(Summary, ThisMachineHasNoNewlineAndNamesTheKernel) {
  std::string s = fingerprint_summary();
  EXPECT_EQ(s.find('\n'), std::string::npos);
  auto real = make_real_system();
  auto release = real->read_file("/proc/sys/kernel/osrelease");
  ASSERT_TRUE(release.ok());
  EXPECT_NE(s.find(release->substr(0, release->find('\n'))), std::string::npos) << s;
}

}  // namespace
}  // namespace hangscope::env
