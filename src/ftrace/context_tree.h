// Calling-context tree: every distinct call path of one task's run, with how often each was
// entered, returned from, or still open at the end. `ftrace diff` builds it from GOOD and walks
// BAD through it. Memory grows with the number of distinct paths, not with the trace length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ftrace/call_steps.h"

namespace hangscope::ftrace {

class ContextTree {
 public:
  static constexpr uint32_t kRoot = 0;
  static constexpr uint32_t kNone = UINT32_MAX;
  /// Most nodes kept; add() returns kNone beyond (full() then says so).
  static constexpr size_t kMaxNodes = 1 << 20;

  struct Node {
    uint32_t parent = kNone;
    uint32_t name = 0;  ///< index into names; 0 = "" (call not in the trace)
    int depth = -1;     ///< call depth; the root is -1
    uint32_t first_child = kNone, next_sibling = kNone;
    uint64_t entered = 0, returned = 0, open_at_end = 0;
  };

  ContextTree();
  /// The child of `parent` named `func`, or kNone.
  uint32_t child(uint32_t parent, std::string_view func) const;
  /// The child of `parent` named `func`, created when absent; kNone when the tree is full.
  uint32_t add(uint32_t parent, std::string_view func);
  const Node& node(uint32_t id) const { return nodes_[id]; }
  Node& node(uint32_t id) { return nodes_[id]; }
  std::string_view name(uint32_t id) const { return names_[nodes_[id].name]; }
  size_t size() const { return nodes_.size(); }
  bool full() const { return full_; }
  /// Names of the children of `id`, most entered first, at most `max`.
  std::vector<std::string> child_names(uint32_t id, size_t max) const;
  /// Every node at `depth`.
  std::vector<uint32_t> at_depth(int depth) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  uint32_t name_id(std::string_view func) const;
  std::vector<Node> nodes_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> name_index_;
  std::unordered_map<uint64_t, uint32_t> children_;  ///< (parent << 32 | name) -> node
  bool full_ = false;
};

/// Builds a ContextTree from steps.
class ContextTreeBuilder : public StepSink {
 public:
  explicit ContextTreeBuilder(ContextTree& tree) : tree_(tree) {}
  void on_step(const Step& s) override;
  /// Counts the calls still open at the end; call once after the last step.
  void finish();

 private:
  uint32_t parent_of(int depth) const;
  ContextTree& tree_;
  std::vector<uint32_t> stack_;  ///< node per depth
  size_t open_ = 0;
};

}  // namespace hangscope::ftrace
