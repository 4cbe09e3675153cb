#include "env/compare.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "env/compare_report.h"
#include "unit/env/env_fixture.h"

namespace hangscope::env {
namespace {

using testing::env_data;

Fingerprint load(const std::string& rel) {
  auto fp = load_fingerprint(env_data(rel));
  EXPECT_TRUE(fp.ok()) << fp.error().message;
  return fp.ok() ? *fp : Fingerprint{};
}

Comparison seed_comparison(const CompareOptions& opt = {}) {
  return compare_fingerprints({load("seed/good.json")}, {load("seed/bad.json")}, opt);
}

TEST(Compare, SeedTablesRankTheKernelFirst) {
  Comparison c = seed_comparison();
  ASSERT_FALSE(c.ranked.empty());
  const Separator& top = c.ranked.front();
  EXPECT_EQ(top.text(), "kernel.release >= 5.3");
  EXPECT_EQ(top.bad_hits, 2);
  EXPECT_EQ(top.bad_total, 2);
  EXPECT_EQ(top.good_hits, 1);
  EXPECT_EQ(top.good_total, 6);
  EXPECT_FALSE(top.exact);
  EXPECT_NEAR(top.p_value, 3.0 / 28.0, 1e-9);
  for (size_t i = 1; i < c.ranked.size(); ++i) {
    EXPECT_GT(c.ranked[i].p_value, top.p_value) << c.ranked[i].text();
  }
}

TEST(Compare, SeedTablesOtherAttributes) {
  Comparison c = seed_comparison();
  auto find = [&](const std::string& attr) -> const Separator* {
    for (const auto& s : c.ranked)
      if (s.attribute == attr) return &s;
    return nullptr;
  };
  // One bad machine's RAM against two good ones: a perfect split, yet not "exact".
  const Separator* mem = find("memory.total_mib");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(mem->text(), "memory.total_mib >= 7915");
  EXPECT_FALSE(mem->exact);
  // Versions as versions: bash 5.0 against 4.2 and 4.4.
  const Separator* bash = find("shell.bash.version");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->op, PredicateOp::kAtLeast);
  // String attributes are tested value by value, never as a list of the bad machines.
  const Separator* product = find("product");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->op, PredicateOp::kEquals);
  EXPECT_EQ(product->bad_hits, 1);
  ASSERT_EQ(c.no_separation.size(), 1u);
  EXPECT_EQ(c.no_separation[0].attribute, "arch");
}

// "seen" lists mean one observation per listed value: the same as one file per value.
TEST(Compare, SeenListEqualsOneFilePerListedValue) {
  auto explode = [](const Fingerprint& group) {
    std::vector<Fingerprint> out;
    for (const auto& [name, a] : group.attrs) {
      for (const auto& v : a.values) {
        Fingerprint one;
        AttrValue value = AttrValue::scalar(v);
        value.numeric = a.numeric;
        one.attrs[name] = value;
        out.push_back(one);
      }
    }
    return out;
  };
  Comparison grouped = seed_comparison();
  Comparison per_value =
      compare_fingerprints(explode(load("seed/good.json")), explode(load("seed/bad.json")));
  ASSERT_EQ(grouped.ranked.size(), per_value.ranked.size());
  for (size_t i = 0; i < grouped.ranked.size(); ++i) {
    EXPECT_EQ(grouped.ranked[i].text(), per_value.ranked[i].text());
    EXPECT_EQ(grouped.ranked[i].bad_hits, per_value.ranked[i].bad_hits);
    EXPECT_EQ(grouped.ranked[i].good_total, per_value.ranked[i].good_total);
  }
}

// A machine file mixes with group files: the reproduction machine (VirtualBox, 5.3.0-51) is bad.
TEST(Compare, ReproductionMachineJoinsTheBadGroup) {
  Comparison c = compare_fingerprints({load("seed/good.json")},
                                      {load("seed/bad.json"), load("seed/repro-vbox.json")});
  ASSERT_FALSE(c.ranked.empty());
  const Separator& top = c.ranked.front();
  EXPECT_EQ(top.text(), "kernel.release >= 5.3");
  EXPECT_EQ(top.bad_hits, 3);
  EXPECT_EQ(top.bad_total, 3);
  EXPECT_EQ(top.good_hits, 1);
  EXPECT_NEAR(top.p_value, 4.0 / 84.0, 1e-9);
  // "VBox" is now on both sides, so product loses its best value to a bad-only one.
  for (const auto& s : c.ranked) {
    if (s.attribute == "product") EXPECT_NE(s.operand, "VBox");
  }
  // virt.vm exists only in the machine file: not comparable, not a crash.
  bool listed = false;
  for (const auto& u : c.not_comparable) listed = listed || u.attribute == "virt.vm";
  EXPECT_TRUE(listed);
}

TEST(Compare, MinSupportOneMakesTheSingleRamValueExact) {
  Comparison c = seed_comparison({.min_support = 1});
  ASSERT_FALSE(c.ranked.empty());
  EXPECT_TRUE(c.ranked.front().exact);
  EXPECT_EQ(c.ranked.front().attribute, "memory.total_mib");
}

Fingerprint machine(const std::string& kernel, std::vector<std::string> modules,
                    const std::string& arch = "x86_64") {
  Fingerprint fp;
  fp.attrs["kernel.release"] = AttrValue::scalar(kernel);
  fp.attrs["modules"] = AttrValue::set(std::move(modules));
  fp.attrs["arch"] = AttrValue::scalar(arch);
  return fp;
}

TEST(Compare, MachinesWithAnExactModuleSeparator) {
  std::vector<Fingerprint> bad = {
      machine("5.3.0-51-generic", {"loop", "nfsd"}), machine("5.4.0-26-generic", {"nfsd"}),
      machine("5.3.0-46-generic", {"kvm", "nfsd"}), machine("4.15.0-99-generic", {"nfsd", "loop"})};
  std::vector<Fingerprint> good = {machine("4.15.0-20-generic", {"loop"}),
                                   machine("5.3.0-51-generic", {"kvm"}), machine("4.4.0-1", {}),
                                   machine("5.0.0-1", {"loop", "kvm"}), machine("4.19.0-6", {})};
  Comparison c = compare_fingerprints(good, bad);
  ASSERT_GE(c.ranked.size(), 2u);
  EXPECT_EQ(c.ranked[0].text(), "modules contains nfsd");
  EXPECT_TRUE(c.ranked[0].exact);
  EXPECT_EQ(c.ranked[0].bad_hits, 4);
  EXPECT_EQ(c.ranked[0].good_hits, 0);
  EXPECT_FALSE(c.ranked[1].exact);
  std::string text = render_comparison_text(c, {{"g"}, {"b"}});
  EXPECT_NE(text.find("modules contains nfsd: bad 4/4, good 0/5"), std::string::npos) << text;
}

TEST(Compare, VersionThresholdsAreNumeric) {
  std::vector<Fingerprint> bad = {machine("5.10.0", {}), machine("5.15.0", {})};
  std::vector<Fingerprint> good = {machine("5.9.0", {}), machine("5.4.0", {})};
  Comparison c = compare_fingerprints(good, bad);
  ASSERT_FALSE(c.ranked.empty());
  EXPECT_EQ(c.ranked[0].text(), "kernel.release >= 5.10.0");
  EXPECT_TRUE(c.ranked[0].exact);
}

TEST(Compare, OlderIsBadGivesABelowThreshold) {
  std::vector<Fingerprint> bad = {machine("4.4", {}), machine("4.9", {})};
  std::vector<Fingerprint> good = {machine("5.9", {}), machine("5.10", {})};
  Comparison c = compare_fingerprints(good, bad);
  ASSERT_FALSE(c.ranked.empty());
  EXPECT_EQ(c.ranked[0].text(), "kernel.release < 5.9");
}

TEST(Compare, MissingAttributesAreNotComparableWithTheReason) {
  Fingerprint g = machine("5.0", {});
  g.attrs["product"] = AttrValue::missing("no /sys/class/dmi/id/");
  Fingerprint b = machine("5.3", {});
  b.attrs["product"] = AttrValue::scalar("Gigabyte");
  Comparison c = compare_fingerprints({g}, {b});
  ASSERT_EQ(c.not_comparable.size(), 1u);
  EXPECT_EQ(c.not_comparable[0].attribute, "product");
  EXPECT_NE(c.not_comparable[0].why.find("no /sys/class/dmi/id/"), std::string::npos);
}

TEST(CompareReport, NotComparableAttributesAreGroupedByReason) {
  Fingerprint g = machine("5.0", {});
  g.attrs["product.name"] = AttrValue::missing("no DMI");
  g.attrs["product.vendor"] = AttrValue::missing("no DMI");
  Fingerprint b = machine("5.3", {});
  std::string text = render_comparison_text(compare_fingerprints({g}, {b}), {{"g"}, {"b"}});
  EXPECT_NE(text.find("  product.name, product.vendor: no value on either side: no DMI\n"),
            std::string::npos)
      << text;
}

TEST(Compare, EmptyInputsGiveAnEmptyRanking) {
  Comparison c = compare_fingerprints({}, {});
  EXPECT_TRUE(c.ranked.empty());
  EXPECT_TRUE(c.no_separation.empty());
}

TEST(Compare, HypergeometricTail) {
  EXPECT_NEAR(hypergeometric_tail(8, 3, 2, 2), 3.0 / 28.0, 1e-12);
  EXPECT_NEAR(hypergeometric_tail(9, 4, 4, 4), 1.0 / 126.0, 1e-12);
  EXPECT_NEAR(hypergeometric_tail(5, 2, 2, 0), 1.0, 1e-12);
  EXPECT_NEAR(hypergeometric_tail(3, 1, 1, 1), 1.0 / 3.0, 1e-12);
}

TEST(CompareReport, TextAndJsonOfTheSeed) {
  Comparison c = seed_comparison();
  CompareInputs in{{"good.json"}, {"bad.json"}};
  std::string text = render_comparison_text(c, in);
  EXPECT_NE(text.find("  1. kernel.release >= 5.3: bad 2/2, good 1/6"), std::string::npos) << text;
  EXPECT_NE(text.find("arch: x86_64 on both sides"), std::string::npos) << text;
  auto j = nlohmann::json::parse(render_comparison_json(c, in));
  EXPECT_EQ(j["schema"], "hangscope-env-compare/1");
  EXPECT_EQ(j["separators"][0]["text"], "kernel.release >= 5.3");
  EXPECT_EQ(j["separators"][0]["bad"]["hits"], 2);
  EXPECT_EQ(j["separators"][0]["good"]["total"], 6);
  EXPECT_EQ(j["separators"].size(), c.ranked.size());
}

TEST(CompareReport, TopLimitsRowsAndControlBytesAreEscaped) {
  Fingerprint g, b;
  g.attrs["distro"] = AttrValue::scalar("Ubuntu");
  b.attrs["distro"] = AttrValue::scalar("Evil\x1b[31m");
  std::string text = render_comparison_text(compare_fingerprints({g}, {b}), {{"g"}, {"b"}});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("Evil\\x1b[31m"), std::string::npos) << text;
  std::string top1 = render_comparison_text(seed_comparison(), {{"g"}, {"b"}}, 1);
  EXPECT_EQ(top1.find("  2. "), std::string::npos);
  EXPECT_NE(top1.find("more (use --top 0 for all)"), std::string::npos);
}

}  // namespace
}  // namespace hangscope::env
