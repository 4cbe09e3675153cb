// scan and log reports carry the fingerprint summary of the machine they ran on.
#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::string release() {
  utsname u{};
  uname(&u);
  return u.release;
}

TEST(EnvEmbed, LogJsonNamesTheAnalyzingMachine) {
  std::string out = run(std::string(HANGSCOPE_BIN) + " log --json " + HANGSCOPE_TESTDATA_DIR +
                        "/seed-case/sync-hang.dmesg");
  auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out.substr(0, 300);
  EXPECT_NE(j.value("machine", "").find(release()), std::string::npos) << j.value("machine", "");
  EXPECT_EQ(j["kernel"].value("release", ""), "5.3.0-51-generic");  // the log's own kernel
}

TEST(EnvEmbed, ScanJsonNamesThisMachine) {
  // Works without root too (the /proc fallback).
  std::string out = run(std::string(HANGSCOPE_BIN) + " scan --json --no-bpf --min 1h");
  auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out.substr(0, 300);
  EXPECT_NE(j.value("machine", "").find(release()), std::string::npos) << j.value("machine", "");
}

}  // namespace
