#include "ftrace/call_steps.h"

namespace hangscope::ftrace {

bool StepNormalizer::suppressed_parent(int depth) const {
  return depth > 0 && static_cast<size_t>(depth - 1) < suppressed_.size() &&
         suppressed_[static_cast<size_t>(depth - 1)];
}

void StepNormalizer::emit(const Step& s) {
  if (pending_) {
    pending_ = false;
    ++steps_;
    out_.on_step(leaf_);
  }
  ++steps_;
  out_.on_step(s);
}

void StepNormalizer::finish() {
  if (pending_) {
    pending_ = false;
    ++steps_;
    out_.on_step(leaf_);
  }
}

void StepNormalizer::on_enter(const TaskStream& t, const Frame& f) {
  if (t.index != index_) return;
  size_t d = static_cast<size_t>(f.depth);
  if (suppressed_.size() <= d) suppressed_.resize(d + 1);
  bool hide = suppressed_parent(f.depth) || f.irq || (!f.func.empty() && noise_.match(f.func));
  suppressed_[d] = hide;
  if (hide) return;
  Step s;
  s.kind = StepKind::kEnter;
  s.depth = f.depth;
  s.line = f.line_no;
  s.func.assign(canonical_function(f.func));
  emit(s);
}

void StepNormalizer::on_exit(const TaskStream& t, const Frame& f, const GraphLine* exit) {
  if (t.index != index_) return;
  size_t d = static_cast<size_t>(f.depth);
  if (d < suppressed_.size() && suppressed_[d]) return;
  Step s;
  s.kind = StepKind::kExit;
  s.depth = f.depth;
  s.line = exit ? t.last_line : 0;
  s.exit_missing = exit == nullptr;
  s.func.assign(canonical_function(f.func));
  emit(s);
}

void StepNormalizer::on_leaf(const TaskStream& t, const GraphLine& g, int depth, bool irq,
                             uint64_t line) {
  if (t.index != index_) return;
  if (irq || suppressed_parent(depth) || noise_.match(g.func)) return;
  std::string_view name = canonical_function(g.func);
  if (pending_ && leaf_.depth == depth && leaf_.func == name) {
    ++leaf_.repeat;
    return;
  }
  if (pending_) {
    pending_ = false;
    ++steps_;
    out_.on_step(leaf_);
  }
  leaf_.kind = StepKind::kLeaf;
  leaf_.depth = depth;
  leaf_.line = line;
  leaf_.func.assign(name);
  leaf_.repeat = 1;
  leaf_.exit_missing = false;
  pending_ = true;
}

std::string step_text(const Step& s) {
  std::string name = s.func.empty() ? "?" : s.func;
  switch (s.kind) {
    case StepKind::kEnter:
      return s.func.empty() ? "?() {  /* entered before the trace or entry lost */" : name + "() {";
    case StepKind::kExit:
      return s.func.empty() ? "}" : "} /* " + name + " */";
    case StepKind::kLeaf:
      return name + "();" + (s.repeat > 1 ? "  x" + std::to_string(s.repeat) : std::string());
  }
  return name;
}

}  // namespace hangscope::ftrace
