#include "report/dot_report.h"

#include <fmt/format.h>

#include <set>

#include "analyze/task_index.h"
#include "report/escape.h"
#include "report/text_report.h"

namespace hangscope::report {

namespace {

std::string dot_escape(std::string_view s) {
  std::string e = escape_text(s), out;
  for (char c : e) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string node_id(const analyze::TaskRef& t) {
  return t.pid ? fmt::format("pid{}", t.pid)
               : "dead_" + std::to_string(std::hash<std::string>{}(t.comm) % 100000);
}

std::string node(const analyze::TaskRef& t) {
  std::string color = !t.alive ? "red"
                      : t.state == model::TaskState::stopped || t.state == model::TaskState::traced
                          ? "orange"
                      : t.state == model::TaskState::disk_sleep ? "grey80"
                                                                : "white";
  std::string label = fmt::format("{}\\npid {} {}", dot_escape(t.comm), t.pid,
                                  t.alive ? std::string(analyze::state_letter(t.state)) : "DEAD");
  return fmt::format("  {} [label=\"{}\", style=filled, fillcolor={}];\n", node_id(t), label,
                     color);
}

}  // namespace

std::string render_dot(const analyze::Findings& f) {
  std::string out =
      "digraph waitfor {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::set<std::string> nodes, edges;
  auto add_node = [&](const analyze::TaskRef& t) {
    if (nodes.insert(node_id(t)).second) out += node(t);
  };
  for (const auto& c : f.chains) {
    for (const auto& h : c.hops) {
      add_node(h.waiter);
      std::string label = std::string(kind_phrase(h.wait.kind));
      if (!h.wait.lock_name.empty() && h.wait.kind != model::LockKind::fuse_request)
        label += " " + h.wait.lock_name;
      if (!h.wait.fuse_opcode.empty()) label += " " + h.wait.fuse_opcode;
      label = dot_escape(label);
      if (!h.object.summary.empty()) label += "\\n" + dot_escape(h.object.summary);
      if (h.holders.empty()) {
        std::string id = fmt::format("none{}", h.waiter.pid);
        if (nodes.insert(id).second)
          out += fmt::format("  {} [label=\"{}\", shape=ellipse];\n", id,
                             dot_escape(h.holder_note.empty() ? "no owner" : h.holder_note));
        if (edges.insert(node_id(h.waiter) + id).second)
          out += fmt::format("  {} -> {} [label=\"{}\"];\n", node_id(h.waiter), id, label);
      }
      for (const auto& t : h.holders) {
        add_node(t);
        if (edges.insert(node_id(h.waiter) + node_id(t)).second)
          out += fmt::format("  {} -> {} [label=\"{}\"];\n", node_id(h.waiter), node_id(t), label);
      }
    }
  }
  out += "}\n";
  return out;
}

}  // namespace hangscope::report
