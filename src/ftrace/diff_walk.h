// The two walks behind `ftrace diff`: BAD through GOOD's context tree, then GOOD again to
// fetch the context at the matching point.
#pragma once

#include <deque>

#include "ftrace/context_tree.h"
#include "ftrace/diff.h"

namespace hangscope::ftrace {

/// Where in GOOD to show context: inside the `occurrence`-th call of `node`, before its
/// `child_index`-th child (or at its exit when it has fewer children).
struct GoodAnchor {
  bool valid = false;
  uint32_t node = ContextTree::kRoot;
  uint64_t occurrence = 1;
  uint32_t child_index = 0;
};

/// Streams BAD's steps through GOOD's tree; records divergences and BAD's context.
class BadWalker : public StepSink {
 public:
  BadWalker(const ContextTree& good, size_t context, size_t max_divergences)
      : tree_(good), context_(context), max_(max_divergences) {}
  void on_step(const Step& s) override;
  /// Computes the stop point; call after the last step.
  void finish(DiffReport& r);
  /// Moves divergences and BAD context into `r`; returns the GOOD anchor.
  GoodAnchor result(DiffReport& r);

 private:
  struct BadFrame {
    std::vector<uint32_t> cand;  ///< GOOD nodes this call may be (empty: novel path)
    uint32_t children = 0;
    uint64_t occurrence = 0;
    std::string func;
  };
  std::vector<uint32_t> resolve(BadFrame& parent, const Step& s) const;
  std::vector<std::string> path(size_t depth) const;
  void record(const Step& s, const BadFrame& parent, size_t depth);

  const ContextTree& tree_;
  size_t context_, max_;
  BadFrame root_{{ContextTree::kRoot}, 0, 1, ""};
  std::vector<BadFrame> stack_;
  size_t open_ = 0;
  std::vector<uint64_t> occurrences_;  ///< per GOOD node: BAD calls resolved to it (lazy)
  std::deque<Step> ring_;
  std::vector<Divergence> divergences_;
  uint64_t total_ = 0;
  std::vector<ContextLine> context_lines_;
  size_t after_wanted_ = 0;
  GoodAnchor anchor_;
};

/// Streams GOOD's steps again and keeps the steps around `anchor`.
class GoodContextFinder : public StepSink {
 public:
  GoodContextFinder(const ContextTree& good, GoodAnchor anchor, size_t context)
      : tree_(good), anchor_(anchor), context_(context) {}
  void on_step(const Step& s) override;
  /// True once the context is complete (reading may stop).
  const bool* done() const { return &done_; }
  /// The context; the last steps read when the anchor was never reached.
  std::vector<ContextLine> take() {
    if (!anchored_)
      for (const Step& s : ring_) lines_.push_back({s, false});
    return std::move(lines_);
  }
  bool anchored() const { return anchored_; }

 private:
  void mark(const Step& s);
  const ContextTree& tree_;
  GoodAnchor anchor_;
  size_t context_;
  std::vector<uint32_t> stack_;
  uint64_t seen_ = 0;
  int armed_depth_ = -2;  ///< depth of the anchored call while inside it
  uint32_t children_ = 0;
  bool anchored_ = false, done_ = false;
  std::deque<Step> ring_;
  std::vector<ContextLine> lines_;
  size_t after_wanted_ = 0;
};

}  // namespace hangscope::ftrace
