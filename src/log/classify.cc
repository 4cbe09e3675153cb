#include "log/classify.h"

#include "log/blocker_line.h"
#include "log/call_trace.h"
#include "log/text_match.h"
#include "log/title.h"

namespace hangscope::log {

namespace {

using SV = std::string_view;
constexpr auto npos = SV::npos;

EventKind kind_of(OopsGroup g, SV title) {
  auto starts = [&](SV p) { return title.starts_with(p); };
  if (starts("KASAN:")) return EventKind::kasan;
  if (starts("KMSAN:")) return EventKind::kmsan;
  if (starts("KFENCE:")) return EventKind::kfence;
  if (starts("KCSAN:")) return EventKind::kcsan;
  if (starts("UBSAN:")) return EventKind::ubsan;
  if (starts("memory leak")) return EventKind::memory_leak;
  if (starts("INFO: task hung")) return EventKind::hung_task;
  if (starts("INFO: task can't die")) return EventKind::task_cant_die;
  if (starts("BUG: soft lockup")) return EventKind::soft_lockup;
  if (contains(title, "hard LOCKUP") || contains(title, "hard lockup"))
    return EventKind::hard_lockup;
  if (starts("INFO: rcu detected stall")) return EventKind::rcu_stall;
  if (starts("possible deadlock") || starts("inconsistent lock state") ||
      starts("WARNING: locking bug") || starts("BUG: bad unlock balance") ||
      starts("WARNING: bad unlock balance") || contains(title, "still has locks held") ||
      starts("BUG: held lock freed") || starts("WARNING: held lock freed"))
    return EventKind::lockdep;
  if (starts("BUG: unable to handle") || starts("Unable to handle")) return EventKind::oops;
  switch (g) {
    case OopsGroup::gpf:
      return EventKind::gpf;
    case OopsGroup::kernel_bug:
    case OopsGroup::kernel_bug_upper:
      return EventKind::kernel_bug;
    case OopsGroup::warning:
      return EventKind::warning;
    case OopsGroup::kernel_panic:
    case OopsGroup::panic:
      return EventKind::panic;
    case OopsGroup::unable_to_handle:
    case OopsGroup::stack_segment:
    case OopsGroup::double_fault:
    case OopsGroup::divide_error:
    case OopsGroup::invalid_opcode:
    case OopsGroup::int3:
    case OopsGroup::internal_error:
    case OopsGroup::unhandled_fault:
    case OopsGroup::alignment_trap:
      return EventKind::oops;
    default:
      return EventKind::other;
  }
}

bool parse_uint(SV s, std::size_t& i, long long& v) {
  std::size_t b = i;
  v = 0;
  while (i < s.size() && is_dec_digit(s[i]) && i - b < 12) v = v * 10 + (s[i++] - '0');
  return i > b;
}

bool parse_hex_word(SV s, std::size_t i, std::uint64_t& v) {
  if (s.substr(i, 2) == "0x") i += 2;
  std::size_t b = i;
  v = 0;
  while (i < s.size() && is_hex_digit(s[i]) && i - b < 16) {
    char c = s[i++];
    v = v * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return i > b;
}

// The faulting address from the report's lines.
void parse_fault_address(SV t, Event& e) {
  if (e.fault_addr.known()) return;
  for (SV key :
       {SV("NULL pointer dereference at "), SV("paging request at "), SV("dereference, address: "),
        SV("fault for address: "), SV("non-canonical address "), SV("user-memory-access in "),
        SV("virtual address "), SV("CR2: ")}) {
    std::size_t p = t.find(key);
    if (p == npos) continue;
    std::uint64_t v = 0;
    if (parse_hex_word(t, p + key.size(), v)) e.fault_addr = v;
    return;
  }
}

void parse_modules(SV t, Event& e) {
  std::size_t p = t.find("Modules linked in:");
  if (p == npos || !e.modules.empty()) return;
  SV r = t.substr(p + 18);
  while (!r.empty()) {
    while (!r.empty() && r[0] == ' ') r.remove_prefix(1);
    std::size_t sp = r.find(' ');
    SV tok = r.substr(0, sp);
    if (std::size_t par = tok.find('('); par != npos) tok = tok.substr(0, par);
    if (!tok.empty() && e.modules.size() < 512) e.modules.emplace_back(tok);
    if (sp == npos) break;
    r.remove_prefix(sp);
  }
}

}  // namespace

bool parse_taint_release(SV t, std::string& taint, std::string& release, bool& known) {
  SV rest;
  std::size_t p = t.find("Not tainted ");
  if (p != npos) {
    taint.clear();
    rest = t.substr(p + 12);
  } else if ((p = t.find("Tainted: ")) != npos) {
    SV r = t.substr(p + 9);
    std::string flags;
    // Flag letters and spaces until a token that starts with a digit (the release).
    std::size_t i = 0;
    while (i < r.size() && !is_dec_digit(r[i])) {
      if (r[i] != ' ') {
        if (!flags.empty() && r[i - 1] == ' ') flags += ' ';
        flags += r[i];
      }
      ++i;
    }
    if (i == r.size() || flags.size() > 64) return false;
    taint = flags;
    rest = r.substr(i);
  } else {
    return false;
  }
  known = true;
  while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  std::size_t sp = rest.find(' ');
  SV rel = rest.substr(0, sp);
  if (!rel.empty() && is_dec_digit(rel[0]) && rel.size() < 128) release = std::string(rel);
  return true;
}

bool parse_cpu_pid_line(SV t, Event& e) {
  std::size_t c = t.find("CPU: ");
  std::size_t pp = t.find(" PID: ");
  std::size_t cm = t.find(" Comm: ");
  if (c == npos || pp == npos || cm == npos || pp < c || cm < pp) return false;
  long long v = 0;
  std::size_t i = c + 5;
  if (parse_uint(t, i, v)) e.cpu = static_cast<int>(v);
  i = pp + 6;
  if (parse_uint(t, i, v)) e.pid = static_cast<int>(v);
  SV r = t.substr(cm + 7);
  std::size_t end = r.find(" Tainted: ");
  std::size_t nt = r.find(" Not tainted ");
  if (nt < end) end = nt;
  e.comm = std::string(r.substr(0, end == npos ? r.size() : end));
  while (!e.comm.empty() && e.comm.back() == ' ') e.comm.pop_back();
  if (end != npos) parse_taint_release(r.substr(end), e.taint, e.release, e.tainted_known);
  return true;
}

std::string report_title(const RawReport& report) {
  thread_local std::vector<SV> lines;  // reused: one title per report on the --titles path
  report.title_lines(lines);
  return make_title(report.group, lines).text;
}

Event classify_report(const RawReport& report) {
  Event e;
  std::vector<SV> lines;
  report.title_lines(lines);
  Title t = make_title(report.group, lines);
  e.title = std::move(t.text);
  e.guilty_frame = std::move(t.frame);
  e.corrupted = t.corrupted;
  e.kind = kind_of(report.group, e.title);
  e.timestamp = report.timestamp;
  if (!report.lines.empty()) {
    e.header = std::string(report.line(0));
    e.line_no = report.lines[0].line_no;
  }
  SV head = report.lines.empty() ? SV() : report.line(0);
  // Hung task: "INFO: task comm:pid blocked for more than N seconds."
  if (std::size_t p = head.find("INFO: task "); p != npos) {
    SV r = head.substr(p + 11);
    std::size_t b = r.find(" blocked for more than ");
    if (b == npos) b = r.find(" blocked in I/O wait for more than ");
    if (b == npos) b = r.find(" can't die for more than ");
    SV comm;
    int pid = 0;
    if (b != npos && split_comm_pid(r.substr(0, b), comm, pid)) {
      e.comm = std::string(comm);
      e.pid = pid;
      std::size_t m = r.find("more than ", b);
      std::size_t i = m + 10;
      long long secs = 0;
      if (m != npos && parse_uint(r, i, secs)) e.blocked_seconds = static_cast<double>(secs);
    }
  }
  bool in_trace = false, trace_done = false;
  for (std::size_t i = 0; i < report.lines.size(); ++i) {
    SV l = report.line(i);
    Event probe;
    if (!e.pid.known() && parse_cpu_pid_line(l, probe)) {
      e.cpu = probe.cpu;
      e.pid = probe.pid;
      e.comm = probe.comm;
      if (probe.tainted_known) {
        e.taint = probe.taint;
        e.release = probe.release;
        e.tainted_known = true;
      }
    } else if (!e.tainted_known && (contains(l, "Tainted: ") || contains(l, "Not tainted "))) {
      parse_taint_release(l, e.taint, e.release, e.tainted_known);
    }
    parse_fault_address(l, e);
    parse_modules(l, e);
    if (e.rip.symbol.empty()) {
      std::size_t r = l.find("RIP: ");
      if (r == npos) r = l.find("pc : ");
      if (r != npos && !contains(l, "RIP: 0033:")) {
        SV rest = l.substr(r + 5);
        if (std::size_t colon = rest.find(':'); colon != npos && colon <= 4)
          rest.remove_prefix(colon + 1);
        model::StackFrame f;
        if (parse_trace_frame(rest, f)) e.rip = f;
      }
    }
    if (trace_done) continue;
    if (!in_trace) {
      if (is_call_trace_line(l)) in_trace = true;
      continue;
    }
    model::StackFrame f;
    if (parse_trace_frame(l, f)) {
      if (e.call_trace.size() < 64) e.call_trace.push_back(std::move(f));
    } else if (!is_trace_marker(l)) {
      trace_done = !e.call_trace.empty();
    }
  }
  return e;
}

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::oops:
      return "oops";
    case EventKind::gpf:
      return "general_protection_fault";
    case EventKind::kernel_bug:
      return "kernel_bug";
    case EventKind::warning:
      return "warning";
    case EventKind::kasan:
      return "kasan";
    case EventKind::kmsan:
      return "kmsan";
    case EventKind::kfence:
      return "kfence";
    case EventKind::kcsan:
      return "kcsan";
    case EventKind::ubsan:
      return "ubsan";
    case EventKind::memory_leak:
      return "memory_leak";
    case EventKind::hung_task:
      return "hung_task";
    case EventKind::task_cant_die:
      return "task_cant_die";
    case EventKind::soft_lockup:
      return "soft_lockup";
    case EventKind::hard_lockup:
      return "hard_lockup";
    case EventKind::rcu_stall:
      return "rcu_stall";
    case EventKind::lockdep:
      return "lockdep";
    case EventKind::panic:
      return "panic";
    case EventKind::other:
      return "other";
  }
  return "other";
}

}  // namespace hangscope::log
