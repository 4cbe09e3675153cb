#include "env/fingerprint.h"

#include <gtest/gtest.h>

#include <cctype>

#include "unit/env/env_fixture.h"

namespace hangscope::env {
namespace {

using testing::env_data;
using testing::read_env_data;

TEST(Fingerprint, RoundTripKeepsKindsNumbersAndReasons) {
  Fingerprint fp;
  fp.label = "host-1";
  fp.attrs["kernel.release"] = AttrValue::scalar("5.3.0-51-generic", "/proc/sys/kernel/osrelease");
  fp.attrs["memory.total_mib"] = AttrValue::number(7915);
  fp.attrs["modules"] = AttrValue::set({"loop", "nfsd"}, "/proc/modules");
  fp.attrs["product"] = AttrValue::missing("no /sys/class/dmi/id/");
  std::string text = to_json_text(fp);
  EXPECT_EQ(text.rfind("{\n  \"schema\": \"hangscope-env/1\"", 0), 0u) << text;
  EXPECT_NE(text.find("\"value\": 7915"), std::string::npos) << "numbers stay JSON numbers";

  auto back = parse_fingerprint(text, "mem");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->label, "host-1");
  ASSERT_EQ(back->attrs.size(), 4u);
  const AttrValue* mem = back->find("memory.total_mib");
  ASSERT_NE(mem, nullptr);
  EXPECT_TRUE(mem->numeric);
  EXPECT_EQ(mem->values, std::vector<std::string>{"7915"});
  EXPECT_EQ(back->find("modules")->kind, AttrKind::kSet);
  EXPECT_EQ(back->find("modules")->values.size(), 2u);
  EXPECT_EQ(back->find("kernel.release")->source, "/proc/sys/kernel/osrelease");
  EXPECT_FALSE(back->find("product")->known());
  EXPECT_EQ(back->find("product")->reason, "no /sys/class/dmi/id/");
  EXPECT_EQ(back->first_or("product", "?"), "?");
  EXPECT_EQ(to_json_text(*back), text);
}

TEST(Fingerprint, InvalidUtf8IsReplacedNotThrown) {
  Fingerprint fp;
  fp.attrs["distro"] = AttrValue::scalar(std::string("Deb\xff\xfe"));
  std::string text = to_json_text(fp);
  EXPECT_TRUE(parse_fingerprint(text, "x").ok());
}

TEST(Fingerprint, SeedGroupFileUsesSeenLists) {
  auto fp = load_fingerprint(env_data("seed/bad.json"));
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  const AttrValue* k = fp->find("kernel.release");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->kind, AttrKind::kSeen);
  EXPECT_EQ(k->values, (std::vector<std::string>{"5.3", "5.4"}));
}

TEST(Fingerprint, CrlfJsonIsFine) {
  auto fp = load_fingerprint(env_data("crlf-valid.json"));
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  EXPECT_EQ(fp->first_or("kernel.release", ""), "5.4.0-26-generic");
}

struct BadCase {
  const char* file;
  const char* expect;  // a piece of the message
};

class MalformedFingerprint : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedFingerprint, OneLineErrorNamingTheFile) {
  std::string path = env_data(std::string("malformed/") + GetParam().file);
  auto fp = load_fingerprint(path);
  ASSERT_FALSE(fp.ok());
  const std::string& m = fp.error().message;
  EXPECT_EQ(m.rfind(path + ": ", 0), 0u) << m;
  EXPECT_NE(m.find(GetParam().expect), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

INSTANTIATE_TEST_SUITE_P(Inputs, MalformedFingerprint,
                         ::testing::Values(BadCase{"truncated.json", "truncated?"},
                                           BadCase{"empty.json", "empty input"},
                                           BadCase{"not-object.json", "got array"},
                                           BadCase{"no-schema.json", "no \"schema\""},
                                           BadCase{"wrong-schema.json", "unsupported schema"},
                                           BadCase{"no-attributes.json", "no \"attributes\""},
                                           BadCase{"two-forms.json", "exactly one of"},
                                           BadCase{"bool-value.json", "got boolean"},
                                           BadCase{"mixed-set.json", "mixes numbers and strings"},
                                           BadCase{"garbage.bin", "not valid JSON"},
                                           BadCase{"number-overflow.json", "out of range"}),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           std::string name;
                           for (const char* c = info.param.file; *c; ++c)
                             name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
                           return name;
                         });

TEST(Fingerprint, MissingFileAndDirectoryAreErrors) {
  auto none = load_fingerprint(env_data("does-not-exist.json"));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("cannot open"), std::string::npos);
  auto dir = load_fingerprint(env_data("seed"));
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("seed: "), std::string::npos) << dir.error().message;
}

TEST(Fingerprint, HugeSingleLineStringIsAccepted) {
  std::string big(10u << 20, 'a');
  std::string text =
      "{\"schema\":\"hangscope-env/1\",\"attributes\":{\"x\":{\"value\":\"" + big + "\"}}}";
  auto fp = parse_fingerprint(text, "big");
  ASSERT_TRUE(fp.ok());
  EXPECT_EQ(fp->find("x")->values.front().size(), big.size());
}

}  // namespace
}  // namespace hangscope::env
