// One task's calls as a flat stream of steps with noise removed and repeated leaves merged:
// what `ftrace diff` compares.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ftrace/call_stack.h"
#include "ftrace/noise.h"

namespace hangscope::ftrace {

enum class StepKind : uint8_t { kEnter, kExit, kLeaf };

/// A call entered, left, or made without children.
struct Step {
  StepKind kind = StepKind::kEnter;
  int depth = 0;
  uint64_t line = 0;          ///< line of the entry/leaf/exit; 0 when not in the trace
  std::string func;           ///< canonical name; "" for a call whose entry is not in the trace
  uint32_t repeat = 1;        ///< kLeaf: consecutive identical leaves merged into this one
  bool exit_missing = false;  ///< kExit: the exit line is not in the trace
};

class StepSink {
 public:
  virtual ~StepSink() = default;
  virtual void on_step(const Step& s) = 0;
};

/// Turns one task's call events into steps: drops interrupt frames and noise subtrees,
/// canonicalises names, merges runs of identical leaves.
class StepNormalizer : public CallEventSink {
 public:
  /// `stream_index` is TaskStream::index of the task to follow.
  StepNormalizer(const NoiseFilter& noise, size_t stream_index, StepSink& out)
      : noise_(noise), index_(stream_index), out_(out) {}
  void on_enter(const TaskStream& t, const Frame& f) override;
  void on_exit(const TaskStream& t, const Frame& f, const GraphLine* exit) override;
  void on_leaf(const TaskStream& t, const GraphLine& g, int depth, bool irq,
               uint64_t line) override;
  /// Emits a pending merged leaf; call at end of input.
  void finish();
  /// Steps emitted so far (a merged leaf counts once).
  uint64_t steps() const { return steps_; }

 private:
  bool suppressed_parent(int depth) const;
  void emit(const Step& s);
  const NoiseFilter& noise_;
  size_t index_;
  StepSink& out_;
  std::vector<uint8_t> suppressed_;  ///< per depth: the open frame there is hidden
  bool pending_ = false;
  Step leaf_;
  uint64_t steps_ = 0;
};

/// Renders a step as trace-like text: "down_read() {", "}", "rcu_qs();  x3".
std::string step_text(const Step& s);

}  // namespace hangscope::ftrace
