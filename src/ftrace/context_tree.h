// Calling-context tree: every distinct call path of one task's run, with how often each was
// entered, returned from, or still open at the end. `ftrace diff` builds it from GOOD and walks
// BAD through it. Memory grows with the number of distinct paths, not with the trace length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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
  /// The function name of node `id`; valid until the next add().
  std::string_view name(uint32_t id) const { return name_text(nodes_[id].name); }
  size_t size() const { return nodes_.size(); }
  bool full() const { return full_; }
  /// Names of the children of `id`, most entered first, at most `max`.
  std::vector<std::string> child_names(uint32_t id, size_t max) const;
  /// Bytes held by the tree's tables (for benchmarks and tests).
  size_t memory_bytes() const;

 private:
  // Memory per node: the Node, a 4-byte slot in an open-addressing table (load <= 1/2) keyed by
  // (parent, name), and for each distinct name its bytes in one arena plus 8 bytes of index.
  uint32_t name_id(std::string_view func) const;
  std::string_view name_text(uint32_t id) const {
    return std::string_view(arena_).substr(name_start_[id], name_start_[id + 1] - name_start_[id]);
  }
  uint32_t find_child_slot(uint32_t parent, uint32_t name) const;
  void grow_child_slots();
  void grow_name_slots();
  std::vector<Node> nodes_;
  std::string arena_;                  ///< every distinct name, back to back
  std::vector<uint32_t> name_start_;   ///< name id -> offset in arena_ (one extra at the end)
  std::vector<uint32_t> name_slots_;   ///< open addressing: name ids by hash of the text
  std::vector<uint32_t> child_slots_;  ///< open addressing: node ids by (parent, name)
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
