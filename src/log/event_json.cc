#include "log/event_json.h"

#include <fmt/format.h>

namespace hangscope::log {

std::string frame_text(const model::StackFrame& f) {
  std::string s = f.reliable ? "" : "? ";
  s += f.symbol;
  if (f.offset) s += fmt::format("+{:#x}", f.offset);
  if (!f.module.empty()) s += " [" + f.module + "]";
  return s;
}

nlohmann::json event_to_json(const Event& e) {
  nlohmann::json j;
  j["kind"] = std::string(to_string(e.kind));
  j["title"] = e.title;
  if (!e.guilty_frame.empty()) j["guilty_frame"] = e.guilty_frame;
  j["corrupted"] = e.corrupted;
  if (!e.comm.empty()) j["comm"] = e.comm;
  if (e.pid.known()) j["pid"] = *e.pid;
  if (e.cpu.known()) j["cpu"] = *e.cpu;
  if (!e.release.empty()) j["release"] = e.release;
  if (e.tainted_known) j["taint"] = e.taint.empty() ? "not tainted" : e.taint;
  if (e.fault_addr.known()) j["fault_addr"] = fmt::format("{:#x}", *e.fault_addr);
  if (!e.rip.symbol.empty()) j["rip"] = frame_text(e.rip);
  if (!e.modules.empty()) j["modules"] = e.modules;
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& f : e.call_trace) {
    nlohmann::json fr{{"symbol", f.symbol}, {"offset", f.offset}, {"reliable", f.reliable}};
    if (!f.module.empty()) fr["module"] = f.module;
    trace.push_back(std::move(fr));
  }
  j["call_trace"] = std::move(trace);
  if (e.blocked_seconds.known()) j["blocked_seconds"] = *e.blocked_seconds;
  if (e.timestamp >= 0) j["timestamp"] = e.timestamp;
  j["line"] = e.line_no;
  return j;
}

nlohmann::json events_to_json(const LogDigest& d) {
  nlohmann::json a = nlohmann::json::array();
  for (const Event& e : d.events) a.push_back(event_to_json(e));
  return a;
}

}  // namespace hangscope::log
