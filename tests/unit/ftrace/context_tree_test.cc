#include "ftrace/context_tree.h"

#include <gtest/gtest.h>

#include <string>

namespace hangscope::ftrace {
namespace {

TEST(FtraceContextTree, ChildrenAreFoundByParentAndNameThroughRehashes) {
  ContextTree t;
  std::vector<uint32_t> parents{ContextTree::kRoot};
  for (int i = 0; i < 5000; ++i)  // a chain of distinct names, each with two shared-name leaves
    parents.push_back(t.add(parents.back(), "f" + std::to_string(i)));
  for (size_t i = 1; i < parents.size(); ++i) {
    EXPECT_EQ(t.add(parents[i], "leaf"), t.add(parents[i], "leaf"));
    t.add(parents[i], "");
  }
  EXPECT_EQ(t.size(), 1 + 5000 * 3u);
  for (size_t i = 1; i < parents.size(); ++i) {
    ASSERT_EQ(t.child(parents[i - 1], "f" + std::to_string(i - 1)), parents[i]);
    EXPECT_EQ(t.name(parents[i]), "f" + std::to_string(i - 1));
    EXPECT_EQ(t.node(parents[i]).depth, static_cast<int>(i - 1));
    uint32_t leaf = t.child(parents[i], "leaf");
    ASSERT_NE(leaf, ContextTree::kNone);
    EXPECT_EQ(t.node(leaf).parent, parents[i]);
    EXPECT_EQ(t.name(t.child(parents[i], "")), "");
  }
  EXPECT_EQ(t.child(parents[3], "f7"), ContextTree::kNone);  // name known, not at this parent
  EXPECT_EQ(t.child(parents[3], "never"), ContextTree::kNone);
  EXPECT_EQ(t.child(ContextTree::kNone, "f0"), ContextTree::kNone);
  auto names = t.child_names(parents[2], 8);
  EXPECT_EQ(names.size(), 3u);
}

TEST(FtraceContextTree, FullTreeKeepsNoNewNamesOrNodes) {
  ContextTree t;
  uint32_t p = t.add(ContextTree::kRoot, "ksys_sync");
  for (size_t i = t.size(); i < ContextTree::kMaxNodes; ++i)
    ASSERT_NE(t.add(p, "n" + std::to_string(i)), ContextTree::kNone);
  EXPECT_FALSE(t.full());
  size_t bytes = t.memory_bytes();
  for (int i = 0; i < 100000; ++i)
    EXPECT_EQ(t.add(p, "extra_function_name_" + std::to_string(i)), ContextTree::kNone);
  EXPECT_TRUE(t.full());
  EXPECT_EQ(t.memory_bytes(), bytes);  // a full tree stops growing: memory bounded by the cap
  EXPECT_EQ(t.child(p, "n5"), t.add(p, "n5"));  // existing paths still resolve
  EXPECT_LT(bytes, size_t{160} << 20);
}

}  // namespace
}  // namespace hangscope::ftrace
