// End to end: the built hangscope binary, `env collect` on this machine and `env compare`.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

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

// A runtime binary that hangs is killed after 2 s and recorded as missing; one that prints no
// version is recorded with its output. Both are shell scripts found first in PATH.
TEST(EnvCli, HangingOrBrokenRuntimeBinariesAreBounded) {
  std::string dir = ::testing::TempDir() + "env-fakebin-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  auto script = [&](const std::string& name, const std::string& body) {
    std::string path = dir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f, "#!/bin/sh\n%s\n", body.c_str());
    std::fclose(f);
    chmod(path.c_str(), 0755);
  };
  script("docker", "sleep 30");
  script("podman", "echo 'Error: cannot connect' >&2; exit 125");
  const char* path = std::getenv("PATH");
  std::string out = dir + "/fp.json";
  auto r = run_bounded({"env", "PATH=" + dir + ":" + (path ? path : "/usr/bin:/bin"), HANGSCOPE_BIN,
                        "env", "collect", "-o", out},
                       milliseconds(30000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0) << r->output;
  auto fp = load_fingerprint(out);
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  const AttrValue* docker = fp->find("container.docker.version");
  ASSERT_NE(docker, nullptr);
  EXPECT_FALSE(docker->known());
  EXPECT_NE(docker->reason.find("no answer in 2000 ms (killed)"), std::string::npos)
      << docker->reason;
  const AttrValue* podman = fp->find("container.podman.version");
  ASSERT_NE(podman, nullptr);
  EXPECT_FALSE(podman->known());
  EXPECT_NE(podman->reason.find("exit 125"), std::string::npos) << podman->reason;
  EXPECT_NE(podman->reason.find("Error: cannot connect"), std::string::npos) << podman->reason;
  for (const char* f : {"/docker", "/podman", "/fp.json"}) std::remove((dir + f).c_str());
  rmdir(dir.c_str());
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
