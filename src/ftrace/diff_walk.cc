#include "ftrace/diff_walk.h"

#include <algorithm>

namespace hangscope::ftrace {
namespace {
constexpr size_t kMaxCandidates = 4096;
}

std::vector<uint32_t> BadWalker::resolve(BadFrame& parent, const Step& s) const {
  std::vector<uint32_t> out;
  if (parent.cand.empty()) return out;
  if (s.func.empty()) {  // a call whose entry is not in BAD: any child of the candidates
    for (uint32_t c : parent.cand) {
      for (uint32_t k = tree_.node(c).first_child; k != ContextTree::kNone;
           k = tree_.node(k).next_sibling) {
        if (out.size() >= kMaxCandidates) return out;
        out.push_back(k);
      }
    }
    return out;
  }
  std::vector<uint32_t> keep;
  for (uint32_t c : parent.cand) {
    uint32_t n = tree_.child(c, s.func);
    if (n == ContextTree::kNone) n = tree_.child(c, "");  // GOOD's entry was not traced either
    if (n == ContextTree::kNone) continue;
    out.push_back(n);
    keep.push_back(c);
    if (out.size() >= kMaxCandidates) break;
  }
  if (parent.cand.size() > 1 && !keep.empty()) parent.cand = std::move(keep);  // learn who it was
  return out;
}

std::vector<std::string> BadWalker::path(size_t depth) const {
  std::vector<std::string> p;
  for (size_t i = 0; i < depth && i < stack_.size(); ++i)
    p.push_back(stack_[i].func.empty() ? "?" : stack_[i].func);
  return p;
}

void BadWalker::record(const Step& s, const BadFrame& parent, size_t depth) {
  ++total_;
  if (divergences_.size() < max_) {
    Divergence d;
    d.bad_line = s.line;
    d.func = s.func;
    d.path = path(depth);
    d.good_calls_here = tree_.child_names(parent.cand.front(), 8);
    for (uint32_t c : parent.cand)
      d.good_times_here += c == ContextTree::kRoot ? 1 : tree_.node(c).entered;
    divergences_.push_back(std::move(d));
  }
  if (total_ != 1) return;
  for (const Step& r : ring_) context_lines_.push_back({r, false});
  context_lines_.push_back({s, true});
  after_wanted_ = context_;
  uint32_t node = parent.cand.front();
  uint64_t entered = node == ContextTree::kRoot ? 1 : tree_.node(node).entered;
  anchor_ = {true, node, std::clamp<uint64_t>(parent.occurrence, 1, std::max<uint64_t>(entered, 1)),
             parent.children};
}

void BadWalker::on_step(const Step& s) {
  bool collecting = after_wanted_ > 0;
  size_t d = static_cast<size_t>(s.depth);
  BadFrame& parent = d == 0 || d - 1 >= stack_.size() ? root_ : stack_[d - 1];
  switch (s.kind) {
    case StepKind::kEnter:
    case StepKind::kLeaf: {
      std::vector<uint32_t> cand = resolve(parent, s);
      if (!parent.cand.empty() && cand.empty() && !s.func.empty()) record(s, parent, d);
      ++parent.children;
      if (s.kind == StepKind::kLeaf) break;
      if (stack_.size() <= d) stack_.resize(d + 1);
      BadFrame& f = stack_[d];
      if (!cand.empty() && occurrences_.size() <= cand.front()) occurrences_.resize(tree_.size());
      f.occurrence = cand.empty() ? 0 : ++occurrences_[cand.front()];
      f.cand = std::move(cand);
      f.children = 0;
      f.func = s.func;
      open_ = d + 1;
      break;
    }
    case StepKind::kExit:
      open_ = d;
      break;
  }
  if (collecting) {
    context_lines_.push_back({s, false});
    --after_wanted_;
  } else if (total_ == 0) {
    ring_.push_back(s);
    if (ring_.size() > context_) ring_.pop_front();
  }
}

void BadWalker::finish(DiffReport& r) {
  for (size_t i = open_; i-- > 0;) {
    const BadFrame& f = stack_[i];
    if (f.cand.empty() || f.func.empty()) continue;
    StopPoint& sp = r.stop;
    sp.known = true;
    sp.func = f.func;
    sp.path = path(i + 1);
    for (uint32_t c : f.cand) {
      sp.good_entered += tree_.node(c).entered;
      sp.good_returned += tree_.node(c).returned;
      sp.good_open_at_end += tree_.node(c).open_at_end;
    }
    if (!anchor_.valid) {
      uint32_t node = f.cand.front();
      anchor_ = {
          true, node,
          std::clamp<uint64_t>(f.occurrence, 1, std::max<uint64_t>(tree_.node(node).entered, 1)),
          f.children};
    }
    break;
  }
  if (total_ == 0)
    for (const Step& s : ring_) context_lines_.push_back({s, false});
}

GoodAnchor BadWalker::result(DiffReport& r) {
  r.divergences = std::move(divergences_);
  r.divergences_total = total_;
  r.bad_context = std::move(context_lines_);
  return anchor_;
}

void GoodContextFinder::on_step(const Step& s) {
  if (done_) return;
  if (armed_depth_ == -2 && anchor_.node == ContextTree::kRoot && !anchored_) armed_depth_ = -1;
  size_t d = static_cast<size_t>(s.depth);
  uint32_t parent = d == 0                  ? ContextTree::kRoot
                    : d - 1 < stack_.size() ? stack_[d - 1]
                                            : ContextTree::kNone;
  uint32_t node = s.kind == StepKind::kExit ? ContextTree::kNone : tree_.child(parent, s.func);
  bool here = false;
  if (!anchored_) {
    if (node == anchor_.node && s.kind == StepKind::kEnter && ++seen_ == anchor_.occurrence) {
      armed_depth_ = s.depth;
      children_ = 0;
    } else if (node == anchor_.node && s.kind == StepKind::kLeaf) {
      here = seen_ < anchor_.occurrence && seen_ + s.repeat >= anchor_.occurrence;
      seen_ += s.repeat;
    } else if (armed_depth_ != -2) {
      if (s.kind != StepKind::kExit && s.depth == armed_depth_ + 1) {
        here = children_++ == anchor_.child_index;
      } else if (s.kind == StepKind::kExit && s.depth == armed_depth_) {
        here = true;
      }
    }
  }
  if (s.kind == StepKind::kEnter) {
    if (stack_.size() <= d) stack_.resize(d + 1, ContextTree::kNone);
    stack_[d] = node;
  }
  if (here) {
    anchored_ = true;
    for (const Step& r : ring_) lines_.push_back({r, false});
    lines_.push_back({s, true});
    after_wanted_ = context_;
    done_ = after_wanted_ == 0;
    return;
  }
  if (anchored_) {
    lines_.push_back({s, false});
    done_ = --after_wanted_ == 0;
    return;
  }
  ring_.push_back(s);
  if (ring_.size() > context_) ring_.pop_front();
}

}  // namespace hangscope::ftrace
