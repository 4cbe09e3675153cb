#include "report/text_report.h"

#include <fmt/format.h>

#include "analyze/task_index.h"
#include "model/enums.h"
#include "report/cgroup_owner.h"
#include "report/escape.h"

namespace hangscope::report {

namespace {

using analyze::TaskRef;
using model::LockKind;
using model::TaskState;

std::string seconds(const Maybe<double>& s) {
  if (!s.known()) return "";
  double v = *s;
  if (v < 10) return fmt::format(" for {:.1f} s", v);
  return fmt::format(" for {:.0f} s", v);
}

std::string describe_task(const TaskRef& t) {
  std::string where = cgroup_owner_text(t.cgroup);
  std::string name = fmt::format("{} (pid {}{})", escape_text(t.comm), t.pid,
                                 where.empty() ? "" : ", in " + where);
  if (t.pid == 0) name = escape_text(t.comm);
  if (!t.alive) return name + " DEAD" + (t.death.empty() ? "" : ": " + escape_text(t.death));
  if (t.state == TaskState::stopped || t.state == TaskState::traced) {
    std::string why = t.stop_reason.empty() ? (t.state == TaskState::traced ? "ptrace" : "SIGSTOP")
                                            : t.stop_reason;
    return fmt::format("{} STOPPED ({}){}", name, why, seconds(t.stuck_seconds));
  }
  return fmt::format("{} {}{}", name, analyze::state_letter(t.state), seconds(t.stuck_seconds));
}

std::string describe_wait(const analyze::Hop& hop) {
  const model::Wait& w = hop.wait;
  std::string obj = escape_text(hop.object.summary);
  std::string s;
  switch (w.kind) {
    case LockKind::fuse_request:
      s = fmt::format("FUSE request{} on connection {}",
                      w.fuse_opcode.empty() ? "" : " " + w.fuse_opcode,
                      w.fuse_conn.known() ? std::to_string(*w.fuse_conn) : "?");
      break;
    case LockKind::userfaultfd:
      s = "userfaultfd fault resolution" + (obj.empty() ? "" : " (" + obj + ")");
      break;
    default: {
      s = std::string(kind_phrase(w.kind));
      if (!w.lock_name.empty()) s += " " + escape_text(w.lock_name);
      if (!obj.empty() && hop.object.type != model::ObjectType::unknown && obj != w.lock_name)
        s += " of " + obj;
      if (w.mode != model::LockMode::unknown && w.mode != model::LockMode::exclusive)
        s += fmt::format(", for {}", model::to_string(w.mode));
    }
  }
  if (w.lock_addr.known()) s += fmt::format(" [{:#x}]", *w.lock_addr);
  if (w.confidence != model::Confidence::certain && !w.how_found.empty())
    s += fmt::format(" ({}: {})", model::to_string(w.confidence), w.how_found);
  return s;
}

}  // namespace

std::string_view kind_phrase(LockKind kind) {
  switch (kind) {
    case LockKind::mutex:
      return "mutex";
    case LockKind::rwsem:
      return "rw-semaphore";
    case LockKind::semaphore:
      return "semaphore";
    case LockKind::percpu_rwsem:
      return "percpu rw-semaphore";
    case LockKind::fuse_request:
      return "FUSE request";
    case LockKind::userfaultfd:
      return "userfaultfd";
    case LockKind::folio_lock:
      return "folio lock";
    case LockKind::io:
      return "I/O";
    case LockKind::completion:
      return "completion";
    case LockKind::unknown:
      break;
  }
  return "unknown wait";
}

std::string render_text(const analyze::Findings& f) {
  std::string out;
  for (const auto& note : f.notes) out += "note: " + escape_text(note) + "\n";
  if (f.chains.empty()) out += "no stuck tasks found\n";
  for (const auto& c : f.chains) {
    if (&c != &f.chains.front() || !f.notes.empty()) out += "\n";
    out += describe_task(c.stuck) + "\n";
    std::string indent = "  ";
    for (const auto& hop : c.hops) {
      out += indent + "waits: " + describe_wait(hop) + "\n";
      std::string verb = hop.wait.kind == LockKind::fuse_request  ? "served by"
                         : hop.wait.kind == LockKind::userfaultfd ? "handled by"
                                                                  : "held by";
      if (hop.holders.empty()) {
        out += indent + verb + ": nobody" +
               (hop.holder_note.empty() ? "" : " (" + escape_text(hop.holder_note) + ")") + "\n";
      }
      for (const auto& h : hop.holders) {
        std::string mode =
            hop.holder_mode == model::LockMode::read || hop.holder_mode == model::LockMode::write
                ? fmt::format(", for {}", model::to_string(hop.holder_mode))
                : "";
        out += indent + verb + ": " + describe_task(h) + mode + "\n";
      }
      if (!hop.holders.empty() && !hop.holder_note.empty() &&
          hop.wait.kind != LockKind::fuse_request && hop.wait.kind != LockKind::userfaultfd)
        out += indent + "  (" + escape_text(hop.holder_note) + ")\n";
      indent += "  ";
    }
    if (!c.also_waiting.empty()) {
      std::string pids;
      for (int p : c.also_waiting) pids += (pids.empty() ? "" : ", ") + std::to_string(p);
      out += fmt::format("also waiting on the same lock: {} task(s): pid {}\n",
                         c.also_waiting.size(), pids);
    }
    out += "root cause: " + escape_text(c.root.summary) + "\n";
    out += "remedy: " + escape_text(c.root.remedy) + "\n";
  }
  for (const auto& cy : f.cycles) {
    std::string m;
    for (const auto& t : cy.members)
      m += (m.empty() ? "" : " -> ") + fmt::format("{} ({})", escape_text(t.comm), t.pid);
    out += "\ndeadlock: " + m + " -> (back to the first)\n";
  }
  return out;
}

}  // namespace hangscope::report
