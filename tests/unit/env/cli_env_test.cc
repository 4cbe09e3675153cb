// End to end: the built hangscope binary, `env collect` on this machine and `env compare`.
#include <gtest/gtest.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>

#include "env/fingerprint.h"
#include "env/run_bounded.h"
#include "unit/env/env_fixture.h"

namespace hangscope::env {
namespace {

using std::chrono::milliseconds;
using testing::env_data;

ProcessOutput hangscope(std::vector<std::string> args) {
  args.insert(args.begin(), HANGSCOPE_BIN);
  auto r = run_bounded(args, milliseconds(30000), 4u << 20);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : ProcessOutput{};
}

TEST(EnvCli, CollectOnThisMachineMatchesUname) {
  std::string out = ::testing::TempDir() + "env-collect-" + std::to_string(getpid()) + ".json";
  ProcessOutput r = hangscope({"env", "collect", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto fp = load_fingerprint(out);
  std::remove(out.c_str());
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  utsname u{};
  ASSERT_EQ(uname(&u), 0);
  EXPECT_EQ(fp->first_or("kernel.release", ""), u.release);
  EXPECT_EQ(fp->first_or("arch", ""), u.machine);
  // Every documented attribute is present, known or with a reason.
  for (const char* name :
       {"kernel.version", "kernel.config_hash", "config.CONFIG_DETECT_HUNG_TASK", "distro",
        "cpu.model", "cpu.count", "memory.total_mib", "virt.vm", "virt.container", "product",
        "container.docker.version", "container.podman.version", "container.containerd.version",
        "shell.bash.version", "modules", "fs.types", "kernel.taint"}) {
    const AttrValue* a = fp->find(name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_TRUE(a->known() || !a->reason.empty()) << name;
  }
}

TEST(EnvCli, CollectToStdoutIsAFingerprint) {
  ProcessOutput r = hangscope({"env", "collect"});
  ASSERT_EQ(r.exit_code, 0);
  auto fp = parse_fingerprint(r.output, "stdout");
  ASSERT_TRUE(fp.ok()) << fp.error().message;
}

TEST(EnvCli, CompareSeedTablesPutsTheKernelFirst) {
  ProcessOutput r = hangscope(
      {"env", "compare", "--good", env_data("seed/good.json"), "--bad", env_data("seed/bad.json")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("  1. kernel.release >= 5.3: bad 2/2, good 1/6"), std::string::npos)
      << r.output;
  ProcessOutput j = hangscope({"env", "compare", "--json", "--good", env_data("seed/good.json"),
                               "--bad", env_data("seed/bad.json")});
  ASSERT_EQ(j.exit_code, 0);
  EXPECT_NE(j.output.find("\"text\": \"kernel.release >= 5.3\""), std::string::npos) << j.output;
}

TEST(EnvCli, MalformedInputIsOneLineExitTwo) {
  for (const char* f : {"malformed/truncated.json", "malformed/garbage.bin", "malformed/empty.json",
                        "no-such-file.json"}) {
    std::string path = env_data(f);
    ProcessOutput r =
        hangscope({"env", "compare", "--good", env_data("seed/good.json"), "--bad", path});
    EXPECT_EQ(r.exit_code, 2) << f;
    EXPECT_NE(r.output.find(path), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << r.output;
  }
}

TEST(EnvCli, UsageErrorsExitTwo) {
  EXPECT_EQ(hangscope({"env"}).exit_code, 2);
  EXPECT_EQ(hangscope({"env", "compare", "--good", env_data("seed/good.json")}).exit_code, 2);
  EXPECT_EQ(hangscope({"env", "bogus"}).exit_code, 2);
  EXPECT_EQ(hangscope({"env", "--help"}).exit_code, 0);
}

}  // namespace
}  // namespace hangscope::env
