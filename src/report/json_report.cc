#include "report/json_report.h"

#include <fmt/format.h>

#include "analyze/task_index.h"
#include "model/enums.h"
#include "report/cgroup_owner.h"

namespace hangscope::report {

namespace {

using nlohmann::json;

json task_json(const analyze::TaskRef& t) {
  json j{{"pid", t.pid},
         {"comm", t.comm},
         {"state", analyze::state_letter(t.state)},
         {"alive", t.alive}};
  if (t.stuck_seconds.known()) j["stuck_seconds"] = *t.stuck_seconds;
  if (!t.stop_reason.empty()) j["stop_reason"] = t.stop_reason;
  if (!t.death.empty()) j["death"] = t.death;
  if (std::string c = kernel::container_label(t.cgroup); !c.empty()) j["container"] = c;
  if (!t.cgroup.empty()) j["cgroup"] = cgroup_owner_json(t.cgroup);
  return j;
}

json hop_json(const analyze::Hop& h) {
  const model::Wait& w = h.wait;
  json wait{{"kind", model::to_string(w.kind)},
            {"mode", model::to_string(w.mode)},
            {"confidence", model::to_string(w.confidence)},
            {"how_found", w.how_found}};
  if (w.lock_addr.known()) wait["lock_addr"] = fmt::format("{:#x}", *w.lock_addr);
  if (!w.lock_name.empty()) wait["lock_name"] = w.lock_name;
  if (!w.wait_function.empty()) wait["wait_function"] = w.wait_function;
  if (w.fuse_conn.known()) wait["fuse_conn"] = *w.fuse_conn;
  if (!w.fuse_opcode.empty()) wait["fuse_opcode"] = w.fuse_opcode;
  json fields = json::object();
  for (const auto& [k, v] : h.object.fields) fields[k] = v;
  json holders = json::array();
  for (const auto& t : h.holders) holders.push_back(task_json(t));
  json j{{"waiter", task_json(h.waiter)},
         {"wait", wait},
         {"object",
          {{"type", model::to_string(h.object.type)},
           {"summary", h.object.summary},
           {"fields", fields}}},
         {"holders", holders},
         {"holder_mode", model::to_string(h.holder_mode)}};
  if (!h.holder_note.empty()) j["holder_note"] = h.holder_note;
  return j;
}

}  // namespace

std::string_view to_string(analyze::RootKind k) {
  using R = analyze::RootKind;
  switch (k) {
    case R::stopped_task:
      return "stopped_task";
    case R::dead_owner:
      return "dead_owner";
    case R::frozen_fs:
      return "frozen_fs";
    case R::fuse_daemon:
      return "fuse_daemon";
    case R::uffd_handler:
      return "uffd_handler";
    case R::deadlock:
      return "deadlock";
    case R::running_owner:
      return "running_owner";
    case R::leaked_to_user:
      return "leaked_to_user";
    case R::blocked_owner:
      return "blocked_owner";
    case R::no_owner:
      return "no_owner";
    case R::unknown:
      break;
  }
  return "unknown";
}

json findings_to_json(const analyze::Findings& f, const model::Snapshot& snap) {
  json chains = json::array();
  for (const auto& c : f.chains) {
    json hops = json::array();
    for (const auto& h : c.hops) hops.push_back(hop_json(h));
    json root{
        {"kind", to_string(c.root.kind)}, {"summary", c.root.summary}, {"remedy", c.root.remedy}};
    if (c.root.pid.known()) root["pid"] = *c.root.pid;
    chains.push_back({{"stuck", task_json(c.stuck)},
                      {"hops", hops},
                      {"root_cause", root},
                      {"also_waiting", c.also_waiting}});
  }
  json cycles = json::array();
  for (const auto& cy : f.cycles) {
    json m = json::array();
    for (const auto& t : cy.members) m.push_back(task_json(t));
    cycles.push_back({{"members", m}});
  }
  json kernel{{"release", snap.kernel.release}};
  if (snap.kernel.taint.known()) kernel["taint"] = *snap.kernel.taint;
  return {{"schema", kFindingsSchema}, {"source", snap.source}, {"kernel", kernel},
          {"machine", snap.machine},   {"notes", f.notes},      {"chains", chains},
          {"cycles", cycles}};
}

std::string render_json(const analyze::Findings& f, const model::Snapshot& snap) {
  return findings_to_json(f, snap).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace hangscope::report
