#include "ftrace/context_tree.h"

#include <algorithm>

namespace hangscope::ftrace {

ContextTree::ContextTree() {
  names_.emplace_back();
  name_index_.emplace("", 0);
  nodes_.emplace_back();
}

uint32_t ContextTree::name_id(std::string_view func) const {
  auto it = name_index_.find(func);
  return it == name_index_.end() ? kNone : it->second;
}

uint32_t ContextTree::child(uint32_t parent, std::string_view func) const {
  if (parent == kNone) return kNone;
  uint32_t n = name_id(func);
  if (n == kNone) return kNone;
  auto it = children_.find(static_cast<uint64_t>(parent) << 32 | n);
  return it == children_.end() ? kNone : it->second;
}

uint32_t ContextTree::add(uint32_t parent, std::string_view func) {
  if (parent == kNone) return kNone;
  uint32_t name = name_id(func);
  if (name != kNone) {
    auto it = children_.find(static_cast<uint64_t>(parent) << 32 | name);
    if (it != children_.end()) return it->second;
  }
  if (nodes_.size() >= kMaxNodes) {  // full: no new node, and no new name either
    full_ = true;
    return kNone;
  }
  if (name == kNone) {
    name = static_cast<uint32_t>(names_.size());
    names_.emplace_back(func);
    name_index_.emplace(std::string(func), name);
  }
  uint64_t key = static_cast<uint64_t>(parent) << 32 | name;
  uint32_t id = static_cast<uint32_t>(nodes_.size());
  Node n;
  n.parent = parent;
  n.name = name;
  n.depth = nodes_[parent].depth + 1;
  n.next_sibling = nodes_[parent].first_child;
  nodes_.push_back(n);
  nodes_[parent].first_child = id;
  children_.emplace(key, id);
  return id;
}

std::vector<std::string> ContextTree::child_names(uint32_t id, size_t max) const {
  std::vector<uint32_t> kids;
  for (uint32_t c = nodes_[id].first_child; c != kNone; c = nodes_[c].next_sibling)
    kids.push_back(c);
  std::stable_sort(kids.begin(), kids.end(),
                   [&](uint32_t a, uint32_t b) { return nodes_[a].entered > nodes_[b].entered; });
  std::vector<std::string> out;
  for (uint32_t c : kids) {
    if (out.size() >= max) break;
    out.emplace_back(name(c).empty() ? "?" : name(c));
  }
  return out;
}

std::vector<uint32_t> ContextTree::at_depth(int depth) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].depth == depth) out.push_back(i);
  return out;
}

uint32_t ContextTreeBuilder::parent_of(int depth) const {
  if (depth <= 0) return ContextTree::kRoot;
  size_t d = static_cast<size_t>(depth - 1);
  return d < stack_.size() ? stack_[d] : ContextTree::kNone;
}

void ContextTreeBuilder::on_step(const Step& s) {
  size_t d = static_cast<size_t>(s.depth);
  switch (s.kind) {
    case StepKind::kEnter: {
      uint32_t n = tree_.add(parent_of(s.depth), s.func);
      if (stack_.size() <= d) stack_.resize(d + 1, ContextTree::kNone);
      stack_[d] = n;
      open_ = d + 1;
      if (n != ContextTree::kNone) ++tree_.node(n).entered;
      break;
    }
    case StepKind::kExit:
      if (d < stack_.size() && stack_[d] != ContextTree::kNone && !s.exit_missing)
        ++tree_.node(stack_[d]).returned;
      open_ = d;
      break;
    case StepKind::kLeaf: {
      uint32_t n = tree_.add(parent_of(s.depth), s.func);
      if (n != ContextTree::kNone) {
        tree_.node(n).entered += s.repeat;
        tree_.node(n).returned += s.repeat;
      }
      break;
    }
  }
}

void ContextTreeBuilder::finish() {
  for (size_t d = 0; d < open_ && d < stack_.size(); ++d)
    if (stack_[d] != ContextTree::kNone) ++tree_.node(stack_[d]).open_at_end;
}

}  // namespace hangscope::ftrace
