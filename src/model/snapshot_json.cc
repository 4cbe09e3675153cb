#include "model/snapshot_json.h"

#include <fmt/format.h>

#include "model/enums.h"

namespace hangscope::model {

namespace {

using nlohmann::json;

// ---- writing ----
json hex(std::uint64_t v) { return fmt::format("{:#x}", v); }

template <typename T>
json maybe(const Maybe<T>& m) {
  if (!m.known()) return json{{"unknown", m.why_unknown}};
  if constexpr (std::is_same_v<T, std::uint64_t>)
    return hex(*m);
  else
    return json(*m);
}

json frames(const std::vector<StackFrame>& st) {
  json a = json::array();
  for (const auto& f : st)
    a.push_back({{"addr", hex(f.addr)},
                 {"symbol", f.symbol},
                 {"offset", f.offset},
                 {"module", f.module},
                 {"reliable", f.reliable}});
  return a;
}

json wait_json(const Wait& w) {
  return {{"kind", to_string(w.kind)},
          {"mode", to_string(w.mode)},
          {"lock_addr", maybe(w.lock_addr)},
          {"lock_name", w.lock_name},
          {"object_type", to_string(w.object_type)},
          {"object_addr", maybe(w.object_addr)},
          {"fuse_conn", maybe(w.fuse_conn)},
          {"fuse_opcode", w.fuse_opcode},
          {"confidence", to_string(w.confidence)},
          {"how_found", w.how_found},
          {"wait_function", w.wait_function}};
}

// ---- reading (throws; caught at the top) ----
std::uint64_t parse_hex(const json& j) {
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  const auto& s = j.get_ref<const std::string&>();
  size_t pos = 0;
  std::uint64_t v = std::stoull(s, &pos, 0);
  if (pos != s.size()) throw std::invalid_argument("bad address " + s);
  return v;
}

template <typename T>
Maybe<T> get_maybe(const json& j, const char* key) {
  if (!j.contains(key)) return Maybe<T>::unknown("absent");
  const json& v = j.at(key);
  if (v.is_object()) return Maybe<T>::unknown(v.value("unknown", std::string("unknown")));
  if constexpr (std::is_same_v<T, std::uint64_t>)
    return parse_hex(v);
  else
    return v.get<T>();
}

template <typename E>
E get_enum(const json& j, const char* key, std::optional<E> (*parse)(std::string_view)) {
  std::string s = j.at(key).get<std::string>();
  auto e = parse(s);
  if (!e) throw std::invalid_argument(fmt::format("unknown {} '{}'", key, s));
  return *e;
}

std::vector<StackFrame> get_frames(const json& a) {
  std::vector<StackFrame> out;
  for (const auto& f : a)
    out.push_back({parse_hex(f.at("addr")), f.at("symbol"), f.at("offset"), f.at("module"),
                   f.at("reliable")});
  return out;
}

Wait get_wait(const json& j) {
  Wait w;
  w.kind = get_enum(j, "kind", lock_kind_from);
  w.mode = get_enum(j, "mode", lock_mode_from);
  w.lock_addr = get_maybe<std::uint64_t>(j, "lock_addr");
  w.lock_name = j.at("lock_name");
  w.object_type = get_enum(j, "object_type", object_type_from);
  w.object_addr = get_maybe<std::uint64_t>(j, "object_addr");
  w.fuse_conn = get_maybe<std::uint32_t>(j, "fuse_conn");
  w.fuse_opcode = j.at("fuse_opcode");
  w.confidence = get_enum(j, "confidence", confidence_from);
  w.how_found = j.at("how_found");
  w.wait_function = j.at("wait_function");
  return w;
}

}  // namespace

json snapshot_to_json(const Snapshot& s) {
  json j;
  j["schema"] = kSnapshotSchema;
  j["source"] = s.source;
  j["machine"] = s.machine;
  j["query"] = {{"pid", s.query.pid}, {"min_stuck_seconds", s.query.min_stuck_seconds}};
  j["uptime_seconds"] = maybe(s.uptime_seconds);
  j["kernel"] = {{"release", s.kernel.release},
                 {"has_blocker_field", maybe(s.kernel.has_blocker_field)},
                 {"taint", maybe(s.kernel.taint)},
                 {"taint_flags", maybe(s.kernel.taint_flags)}};
  j["tasks"] = json::array();
  for (const auto& t : s.tasks) {
    j["tasks"].push_back(
        {{"pid", t.pid},
         {"tgid", t.tgid},
         {"comm", t.comm},
         {"state", to_string(t.state)},
         {"stuck_seconds", maybe(t.stuck_seconds)},
         {"task_addr", maybe(t.task_addr)},
         {"mm_addr", maybe(t.mm_addr)},
         {"stack", frames(t.stack)},
         {"wait", t.wait.known() ? wait_json(*t.wait) : json{{"unknown", t.wait.why_unknown}}},
         {"stop_reason", t.stop_reason},
         {"cgroup", maybe(t.cgroup)},
         {"container", maybe(t.container)},
         {"death", t.death}});
  }
  j["locks"] = json::array();
  for (const auto& l : s.locks) {
    j["locks"].push_back({{"addr", maybe(l.addr)},
                          {"kind", to_string(l.kind)},
                          {"name", l.name},
                          {"owner_task", maybe(l.owner_task)},
                          {"owner_pid", maybe(l.owner_pid)},
                          {"owner_comm", l.owner_comm},
                          {"owner_mode", to_string(l.owner_mode)},
                          {"reader_owned", l.reader_owned},
                          {"owner_stale", l.owner_stale},
                          {"count", maybe(l.count)},
                          {"confidence", to_string(l.confidence)},
                          {"how_found", l.how_found}});
  }
  j["super_blocks"] = json::array();
  for (const auto& b : s.super_blocks) {
    j["super_blocks"].push_back({{"addr", hex(b.addr)},
                                 {"s_id", b.s_id},
                                 {"fs_type", b.fs_type},
                                 {"dev", maybe(b.dev)},
                                 {"mount_points", b.mount_points},
                                 {"s_umount_addr", maybe(b.s_umount_addr)},
                                 {"s_writers_addr", maybe(b.s_writers_addr)},
                                 {"frozen", maybe(b.frozen)}});
  }
  j["inodes"] = json::array();
  for (const auto& i : s.inodes) {
    j["inodes"].push_back({{"addr", hex(i.addr)},
                           {"ino", maybe(i.ino)},
                           {"sb_addr", maybe(i.sb_addr)},
                           {"name", i.name},
                           {"i_rwsem_addr", maybe(i.i_rwsem_addr)}});
  }
  j["mms"] = json::array();
  for (const auto& m : s.mms)
    j["mms"].push_back(
        {{"addr", hex(m.addr)}, {"mmap_lock_addr", maybe(m.mmap_lock_addr)}, {"tgids", m.tgids}});
  j["fuse_conns"] = json::array();
  for (const auto& c : s.fuse_conns)
    j["fuse_conns"].push_back(
        {{"id", c.id}, {"daemon_pids", c.daemon_pids}, {"abort_path", c.abort_path}});
  j["userfaultfds"] = json::array();
  for (const auto& u : s.userfaultfds)
    j["userfaultfds"].push_back({{"ctx_addr", hex(u.ctx_addr)}, {"handler_pids", u.handler_pids}});
  j["globals"] = json::array();
  for (const auto& g : s.globals) j["globals"].push_back({{"addr", hex(g.addr)}, {"name", g.name}});
  j["log_events"] = json::array();
  for (const auto& e : s.log_events) {
    j["log_events"].push_back({{"kind", e.kind},
                               {"title", e.title},
                               {"pid", maybe(e.pid)},
                               {"comm", e.comm},
                               {"timestamp", maybe(e.timestamp)},
                               {"stack", frames(e.stack)}});
  }
  j["notes"] = s.notes;
  return j;
}

Result<Snapshot> snapshot_from_json(const json& j) {
  try {
    if (!j.is_object() || j.value("schema", "") != kSnapshotSchema)
      return make_error(
          fmt::format("not a hangscope snapshot (expected \"schema\": \"{}\")", kSnapshotSchema));
    Snapshot s;
    s.source = j.at("source");
    s.machine = j.value("machine", "");
    s.query.pid = j.at("query").at("pid");
    s.query.min_stuck_seconds = j.at("query").at("min_stuck_seconds");
    s.uptime_seconds = get_maybe<double>(j, "uptime_seconds");
    const json& k = j.at("kernel");
    s.kernel.release = k.at("release");
    s.kernel.has_blocker_field = get_maybe<bool>(k, "has_blocker_field");
    s.kernel.taint = get_maybe<std::string>(k, "taint");
    s.kernel.taint_flags = get_maybe<std::uint64_t>(k, "taint_flags");
    for (const auto& t : j.at("tasks")) {
      Task x;
      x.pid = t.at("pid");
      x.tgid = t.at("tgid");
      x.comm = t.at("comm");
      x.state = get_enum(t, "state", task_state_from);
      x.stuck_seconds = get_maybe<double>(t, "stuck_seconds");
      x.task_addr = get_maybe<std::uint64_t>(t, "task_addr");
      x.mm_addr = get_maybe<std::uint64_t>(t, "mm_addr");
      x.stack = get_frames(t.at("stack"));
      const json& w = t.at("wait");
      x.wait =
          w.contains("unknown") ? Maybe<Wait>::unknown(w.at("unknown")) : Maybe<Wait>(get_wait(w));
      x.stop_reason = t.at("stop_reason");
      x.cgroup = get_maybe<std::string>(t, "cgroup");
      x.container = get_maybe<std::string>(t, "container");
      x.death = t.at("death");
      s.tasks.push_back(std::move(x));
    }
    for (const auto& l : j.at("locks")) {
      Lock x;
      x.addr = get_maybe<std::uint64_t>(l, "addr");
      x.kind = get_enum(l, "kind", lock_kind_from);
      x.name = l.at("name");
      x.owner_task = get_maybe<std::uint64_t>(l, "owner_task");
      x.owner_pid = get_maybe<int>(l, "owner_pid");
      x.owner_comm = l.at("owner_comm");
      x.owner_mode = get_enum(l, "owner_mode", lock_mode_from);
      x.reader_owned = l.at("reader_owned");
      x.owner_stale = l.value("owner_stale", false);
      x.count = get_maybe<std::int64_t>(l, "count");
      x.confidence = get_enum(l, "confidence", confidence_from);
      x.how_found = l.at("how_found");
      s.locks.push_back(std::move(x));
    }
    for (const auto& b : j.at("super_blocks")) {
      s.super_blocks.push_back({parse_hex(b.at("addr")), b.at("s_id"), b.at("fs_type"),
                                get_maybe<std::uint32_t>(b, "dev"), b.at("mount_points"),
                                get_maybe<std::uint64_t>(b, "s_umount_addr"),
                                get_maybe<std::uint64_t>(b, "s_writers_addr"),
                                get_maybe<int>(b, "frozen")});
    }
    for (const auto& i : j.at("inodes")) {
      s.inodes.push_back({parse_hex(i.at("addr")), get_maybe<std::uint64_t>(i, "ino"),
                          get_maybe<std::uint64_t>(i, "sb_addr"), i.at("name"),
                          get_maybe<std::uint64_t>(i, "i_rwsem_addr")});
    }
    for (const auto& m : j.at("mms"))
      s.mms.push_back(
          {parse_hex(m.at("addr")), get_maybe<std::uint64_t>(m, "mmap_lock_addr"), m.at("tgids")});
    for (const auto& c : j.at("fuse_conns"))
      s.fuse_conns.push_back({c.at("id"), c.at("daemon_pids"), c.at("abort_path")});
    for (const auto& u : j.at("userfaultfds"))
      s.userfaultfds.push_back({parse_hex(u.at("ctx_addr")), u.at("handler_pids")});
    for (const auto& g : j.at("globals"))
      s.globals.push_back({parse_hex(g.at("addr")), g.at("name")});
    for (const auto& e : j.at("log_events")) {
      s.log_events.push_back({e.at("kind"), e.at("title"), get_maybe<int>(e, "pid"), e.at("comm"),
                              get_maybe<double>(e, "timestamp"), get_frames(e.at("stack"))});
    }
    s.notes = j.at("notes").get<std::vector<std::string>>();
    return s;
  } catch (const std::exception& e) {
    return make_error(fmt::format("bad snapshot: {}", e.what()));
  }
}

Result<Snapshot> snapshot_from_text(std::string_view text, std::string_view origin) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error(fmt::format("{}: not valid JSON", origin));
  auto r = snapshot_from_json(j);
  if (!r.ok()) return make_error(fmt::format("{}: {}", origin, r.error().message));
  return r;
}

}  // namespace hangscope::model
