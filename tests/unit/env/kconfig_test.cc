#include "env/kconfig.h"

#include <gtest/gtest.h>

#include "unit/env/env_fixture.h"

namespace hangscope::env {
namespace {

using testing::read_env_data;

TEST(KConfig, ValuesNotSetAndQuotedStrings) {
  auto c = parse_kconfig(read_env_data("proc/config-5.3-excerpt"));
  EXPECT_EQ(c["CONFIG_DETECT_HUNG_TASK"], "y");
  EXPECT_EQ(c["CONFIG_DEFAULT_HUNG_TASK_TIMEOUT"], "120");
  EXPECT_EQ(c["CONFIG_BOOTPARAM_HUNG_TASK_PANIC"], "n");
  EXPECT_EQ(c["CONFIG_LOCKDEP"], "n");
  EXPECT_EQ(c["CONFIG_NFSD"], "m");
  EXPECT_EQ(c["CONFIG_DEFAULT_HOSTNAME"], "(none)");
  EXPECT_EQ(c["CONFIG_LOCALVERSION"], "");
  EXPECT_FALSE(c.contains("CONFIG_SOMETHING_ELSE"));
}

TEST(KConfig, CrlfAndJunkLines) {
  auto c = parse_kconfig("CONFIG_A=y\r\n# CONFIG_B is not set\r\nCONFIG_C\r\n#CONFIG_D=y\r\n");
  EXPECT_EQ(c["CONFIG_A"], "y");
  EXPECT_EQ(c["CONFIG_B"], "n");
  EXPECT_EQ(c.size(), 2u);
}

TEST(KConfig, FingerprintItems) {
  EXPECT_TRUE(is_fingerprint_config_item("CONFIG_DETECT_HUNG_TASK"));
  EXPECT_TRUE(is_fingerprint_config_item("CONFIG_DETECT_HUNG_TASK_BLOCKER"));
  EXPECT_TRUE(is_fingerprint_config_item("CONFIG_BOOTPARAM_HUNG_TASK_PANIC"));
  EXPECT_TRUE(is_fingerprint_config_item("CONFIG_DEBUG_INFO_BTF"));
  EXPECT_TRUE(is_fingerprint_config_item("CONFIG_FUNCTION_GRAPH_TRACER"));
  EXPECT_TRUE(is_fingerprint_config_item("CONFIG_KPROBES"));
  EXPECT_FALSE(is_fingerprint_config_item("CONFIG_KPROBES_ON_FTRACE"));
  EXPECT_FALSE(is_fingerprint_config_item("CONFIG_CC_IS_GCC"));
}

TEST(KConfig, HashIsStableAndSensitive) {
  std::string text = read_env_data("proc/config-5.3-excerpt");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(config_hash(text), config_hash(std::string(text)));
  EXPECT_EQ(config_hash(text).substr(0, 8), "fnv1a64:");
  EXPECT_EQ(config_hash(text).size(), 8u + 16u);
  std::string changed = text;
  changed[changed.find("=y")] = '#';
  EXPECT_NE(config_hash(text), config_hash(changed));
  EXPECT_EQ(config_hash(""), "fnv1a64:cbf29ce484222325");   // the FNV-1a offset basis
  EXPECT_EQ(config_hash("a"), "fnv1a64:af63dc4c8601ec8c");  // published test vector
}

TEST(Gunzip, DecompressesTheFixtureToTheSameText) {
  auto out = gunzip(read_env_data("proc/config-5.3-excerpt.gz"));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out, read_env_data("proc/config-5.3-excerpt"));
}

TEST(Gunzip, TruncatedCorruptAndPlainInputsAreErrors) {
  auto t = gunzip(read_env_data("proc/config-5.3-excerpt-truncated.gz"));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("gzip"), std::string::npos) << t.error().message;
  std::string corrupt = read_env_data("proc/config-5.3-excerpt.gz");
  for (size_t i = 20; i < corrupt.size() - 8; ++i) corrupt[i] = static_cast<char>(0xA5);
  EXPECT_FALSE(gunzip(corrupt).ok());
  auto plain = gunzip("CONFIG_A=y\n");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("not gzip"), std::string::npos);
  EXPECT_FALSE(gunzip("").ok());
}

TEST(Gunzip, OutputCapIsEnforced) {
  auto out = gunzip(read_env_data("proc/config-5.3-excerpt.gz"), 100);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("larger than 100"), std::string::npos);
}

}  // namespace
}  // namespace hangscope::env
