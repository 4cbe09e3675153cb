#include "ftrace/context_tree.h"

#include <algorithm>

namespace hangscope::ftrace {

namespace {

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t child_hash(uint32_t parent, uint32_t name) {
  return mix(static_cast<uint64_t>(parent) << 32 | name);
}

}  // namespace

ContextTree::ContextTree() : name_start_{0, 0}, name_slots_(64, kNone), child_slots_(64, kNone) {
  name_slots_[std::hash<std::string_view>{}("") & 63] = 0;  // name 0 = ""
  nodes_.emplace_back();
}

uint32_t ContextTree::name_id(std::string_view func) const {
  size_t mask = name_slots_.size() - 1;
  for (size_t i = std::hash<std::string_view>{}(func)&mask;; i = (i + 1) & mask) {
    uint32_t id = name_slots_[i];
    if (id == kNone || name_text(id) == func) return id;
  }
}

uint32_t ContextTree::find_child_slot(uint32_t parent, uint32_t name) const {
  size_t mask = child_slots_.size() - 1;
  for (size_t i = child_hash(parent, name) & mask;; i = (i + 1) & mask) {
    uint32_t id = child_slots_[i];
    if (id == kNone || (nodes_[id].parent == parent && nodes_[id].name == name))
      return static_cast<uint32_t>(i);
  }
}

void ContextTree::grow_child_slots() {
  std::vector<uint32_t> old(child_slots_.size() * 2, kNone);
  old.swap(child_slots_);
  for (uint32_t id : old)
    if (id != kNone) child_slots_[find_child_slot(nodes_[id].parent, nodes_[id].name)] = id;
}

void ContextTree::grow_name_slots() {
  std::vector<uint32_t> old(name_slots_.size() * 2, kNone);
  old.swap(name_slots_);
  size_t mask = name_slots_.size() - 1;
  for (uint32_t id : old) {
    if (id == kNone) continue;
    size_t i = std::hash<std::string_view>{}(name_text(id)) & mask;
    while (name_slots_[i] != kNone) i = (i + 1) & mask;
    name_slots_[i] = id;
  }
}

uint32_t ContextTree::child(uint32_t parent, std::string_view func) const {
  if (parent == kNone) return kNone;
  uint32_t n = name_id(func);
  if (n == kNone) return kNone;
  return child_slots_[find_child_slot(parent, n)];
}

uint32_t ContextTree::add(uint32_t parent, std::string_view func) {
  if (parent == kNone) return kNone;
  uint32_t name = name_id(func);
  if (name != kNone)
    if (uint32_t c = child_slots_[find_child_slot(parent, name)]; c != kNone) return c;
  if (nodes_.size() >= kMaxNodes) {  // full: no new node, and no new name either
    full_ = true;
    return kNone;
  }
  if (name == kNone) {
    if ((name_start_.size() - 1) * 2 >= name_slots_.size()) grow_name_slots();
    name = static_cast<uint32_t>(name_start_.size() - 1);
    arena_.append(func);
    name_start_.push_back(static_cast<uint32_t>(arena_.size()));
    size_t mask = name_slots_.size() - 1, i = std::hash<std::string_view>{}(func)&mask;
    while (name_slots_[i] != kNone) i = (i + 1) & mask;
    name_slots_[i] = name;
  }
  if (nodes_.size() * 2 >= child_slots_.size()) grow_child_slots();
  uint32_t id = static_cast<uint32_t>(nodes_.size());
  Node n;
  n.parent = parent;
  n.name = name;
  n.depth = nodes_[parent].depth + 1;
  n.next_sibling = nodes_[parent].first_child;
  nodes_.push_back(n);
  nodes_[parent].first_child = id;
  child_slots_[find_child_slot(parent, name)] = id;
  return id;
}

size_t ContextTree::memory_bytes() const {
  return nodes_.capacity() * sizeof(Node) + arena_.capacity() +
         (name_start_.capacity() + name_slots_.capacity() + child_slots_.capacity()) *
             sizeof(uint32_t);
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
