// Column-by-column parser for function_graph lines. No allocation, no regex.
#include "ftrace/graph_line.h"

namespace hangscope::ftrace {
namespace {

using sv = std::string_view;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t skip_spaces(sv s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

sv trim(sv s) {
  size_t b = skip_spaces(s, 0);
  size_t e = s.size();
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

/// Parses all-digit text (at most 18 digits) into `out`.
bool parse_uint(sv s, uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

/// Parses "123" or "123.456" (digits only around one optional dot) in one pass.
bool parse_decimal(sv s, double& out, bool need_dot) {
  static constexpr double kScale[] = {1,   1e1, 1e2, 1e3,  1e4,  1e5, 1e6,
                                      1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
  size_t i = 0, n = s.size();
  uint64_t whole = 0;
  while (i < n && is_digit(s[i])) whole = whole * 10 + static_cast<uint64_t>(s[i++] - '0');
  if (i == 0 || i > 18) return false;
  if (i == n) {
    if (need_dot) return false;
    out = static_cast<double>(whole);
    return true;
  }
  if (s[i] != '.') return false;
  size_t f0 = ++i;
  uint64_t frac = 0;
  while (i < n && is_digit(s[i])) frac = frac * 10 + static_cast<uint64_t>(s[i++] - '0');
  if (i != n || i - f0 > 12 || i == f0) return false;
  out = static_cast<double>(whole) + static_cast<double>(frac) / kScale[i - f0];
  return true;
}

/// "comm-1234" (comm may contain spaces and dashes; the pid is after the last dash).
bool parse_comm_pid(sv s, sv& comm, int& pid) {
  s = trim(s);
  size_t dash = s.rfind('-');
  if (dash == sv::npos || dash == 0 || dash + 1 >= s.size()) return false;
  uint64_t v = 0;
  if (s.size() - dash - 1 > 9 || !parse_uint(s.substr(dash + 1), v)) return false;
  comm = s.substr(0, dash);
  pid = static_cast<int>(v);
  return true;
}

/// "0.364 us", "+ 10.123 us", "$ 1234567 us" (also ns/ms/s units).
bool parse_duration(sv s, GraphLine& g) {
  char mark = ' ';
  if (!s.empty() && sv("+!#*@$").find(s[0]) != sv::npos) {
    mark = s[0];
    s = trim(s.substr(1));
  }
  size_t sp = s.find(' ');
  if (sp == sv::npos) return false;
  sv unit = trim(s.substr(sp));
  double scale = 0;
  if (unit == "us")
    scale = 1;
  else if (unit == "ns")
    scale = 1e-3;
  else if (unit == "ms")
    scale = 1e3;
  else if (unit == "s")
    scale = 1e6;
  else
    return false;
  double v = 0;
  if (!parse_decimal(s.substr(0, sp), v, false)) return false;
  g.has_duration = true;
  g.duration_us = v * scale;
  g.overhead_mark = mark;
  return true;
}

/// Latency-format flags such as "d..1" or "dNh2." (irqs-off, need-resched, hardirq, preempt).
bool is_latency_flags(sv s) {
  if (s.size() < 3 || s.size() > 8) return false;
  for (char c : s) {
    if (!(c == '.' || is_digit(c) || sv("dDXnNpPhHsSbBzZ").find(c) != sv::npos)) return false;
  }
  return true;
}

/// The text of the function column: "}", "func() {", "func();", "/* text */".
void parse_function_text(sv t, GraphLine& g) {
  if (t.empty()) return;
  if (t[0] == '}') {
    g.kind = LineKind::kExit;
    size_t c = t.find("/*");
    if (c != sv::npos) {
      sv inner = trim(t.substr(c + 2));
      size_t end = 0;
      while (end < inner.size() && inner[end] != ' ' && inner[end] != '*' && inner[end] != '=')
        ++end;
      if (end <= kMaxFunctionName) g.func = inner.substr(0, end);
    }
    return;
  }
  if (t.size() >= 2 && t[0] == '/' && t[1] == '*') {
    sv inner = t.substr(2);
    size_t end = inner.rfind("*/");
    g.comment = trim(end == sv::npos ? inner : inner.substr(0, end));
    g.kind = LineKind::kComment;
    return;
  }
  if (t.starts_with("==========>")) {
    g.kind = LineKind::kIrqEnter;
    return;
  }
  if (t.starts_with("<==========")) {
    g.kind = LineKind::kIrqExit;
    return;
  }
  size_t open = t.find('(');
  if (open == 0 || open == sv::npos || open > kMaxFunctionName) return;
  sv name = t.substr(0, open);
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '{' || c == '}' || c == ';' ||
        static_cast<unsigned char>(c) < 0x20)
      return;
  }
  size_t entry = t.find(") {", open);
  size_t leaf = t.find(");", open);
  if (entry != sv::npos && (leaf == sv::npos || entry < leaf)) {
    g.kind = LineKind::kEntry;
  } else if (leaf != sv::npos) {
    g.kind = LineKind::kLeaf;
  } else {
    return;
  }
  g.func = name;
}

/// Indentation after a column delimiter gives the depth: `base` spaces, then 2 per level.
void parse_function_column(sv line, size_t col_end, int base, GraphLine& g) {
  size_t k = skip_spaces(line, col_end);
  long indent = static_cast<long>(k - col_end) - base;
  if (indent < 0) indent = 0;
  if (indent / 2 > kMaxDepth) return;
  parse_function_text(line.substr(k), g);
  if (g.kind != LineKind::kUnknown) g.depth = static_cast<int>(indent / 2);
}

/// "CPU:2 [LOST 12 EVENTS]", "CPU:7 [204600 EVENTS DROPPED]", "CPU:7 [EVENTS DROPPED]".
bool parse_lost_events(sv t, GraphLine& g) {
  if (!t.starts_with("CPU:")) return false;
  size_t i = 4;
  while (i < t.size() && is_digit(t[i])) ++i;
  uint64_t cpu = 0;
  if (!parse_uint(t.substr(4, i - 4), cpu) || cpu > 1u << 20) return false;
  size_t lost = t.find("[LOST ");
  size_t dropped = t.find("EVENTS DROPPED]");
  sv num;
  if (lost != sv::npos) {
    num = t.substr(lost + 6);
  } else if (dropped != sv::npos) {
    size_t b = t.find('[');
    num = b == sv::npos ? sv() : t.substr(b + 1);
  } else {
    return false;
  }
  size_t n = 0;
  while (n < num.size() && is_digit(num[n])) ++n;
  uint64_t count = 0;
  if (n > 0) parse_uint(num.substr(0, n), count);
  g.kind = LineKind::kLostEvents;
  g.cpu = static_cast<int>(cpu);
  g.lost_count = count;
  return true;
}

/// trace-cmd report: "COMM-PID [CPU] [flags] TS: funcgraph_entry: <duration> |  func() {".
/// Returns false when the line has no such header.
bool parse_trace_cmd(sv line, size_t p, GraphLine& g) {
  size_t b = line.find('[', p);
  if (b == sv::npos || b == p) return false;
  size_t e = b + 1;
  while (e < line.size() && is_digit(line[e])) ++e;
  if (e == b + 1 || e >= line.size() || line[e] != ']') return false;
  sv head = trim(line.substr(p, b - p));
  if (!head.empty() && head.back() == ')') {  // "comm-12 (  12)": the tgid column
    size_t o = head.rfind('(');
    if (o == sv::npos) return false;
    head = trim(head.substr(0, o));
  }
  sv comm;
  int pid = -1;
  if (!parse_comm_pid(head, comm, pid)) return false;
  uint64_t cpu = 0;
  if (!parse_uint(line.substr(b + 1, e - b - 1), cpu) || cpu > 1u << 20) return false;
  size_t i = skip_spaces(line, e + 1);
  size_t colon = line.find(':', i);
  if (colon == sv::npos) return false;
  sv tok = trim(line.substr(i, colon - i));
  size_t sp = tok.rfind(' ');
  if (sp != sv::npos) tok = tok.substr(sp + 1);  // skip latency flags before the timestamp
  double ts = 0;
  if (!parse_decimal(tok, ts, true)) return false;
  size_t ev = skip_spaces(line, colon + 1);
  size_t ev_end = line.find(':', ev);
  if (ev_end == sv::npos) return false;
  sv event = line.substr(ev, ev_end - ev);
  g.comm = comm;
  g.pid = pid;
  g.cpu = static_cast<int>(cpu);
  g.has_columns = true;
  g.has_timestamp = true;
  g.timestamp_s = ts;
  if (event == "funcgraph_entry" || event == "funcgraph_exit") {
    size_t bar = line.find('|', ev_end + 1);
    if (bar == sv::npos) return true;  // stays kUnknown
    sv seg = trim(line.substr(ev_end + 1, bar - ev_end - 1));
    if (!seg.empty() && !parse_duration(seg, g)) return true;
    parse_function_column(line, bar + 1, 2, g);
    bool exit_event = event == "funcgraph_exit";
    if ((g.kind == LineKind::kExit) != exit_event) g.kind = LineKind::kUnknown;
  } else if (event == "print") {
    sv text = trim(line.substr(ev_end + 1));
    size_t c = text.find(": ");
    if (c != sv::npos && c < 32 && text.substr(0, c).find(' ') == sv::npos)
      text = text.substr(c + 2);
    g.kind = LineKind::kComment;
    g.comment = text;
  } else {
    g.kind = LineKind::kIgnored;
  }
  return true;
}

/// "sync-123  =>  kworker-5" after the CPU column.
bool parse_task_switch(sv rest, GraphLine& g) {
  size_t arrow = rest.find("=>");
  if (arrow == sv::npos) return false;
  sv prev_comm, next_comm;
  int prev_pid = -1, next_pid = -1;
  if (!parse_comm_pid(rest.substr(0, arrow), prev_comm, prev_pid) ||
      !parse_comm_pid(rest.substr(arrow + 2), next_comm, next_pid))
    return false;
  g.kind = LineKind::kTaskSwitch;
  g.comm = prev_comm;
  g.pid = prev_pid;
  g.next_comm = next_comm;
  g.next_pid = next_pid;
  return true;
}

}  // namespace

GraphLine parse_graph_line(std::string_view line) {
  GraphLine g;
  while (!line.empty() &&
         (line.back() == '\r' || line.back() == '\n' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  size_t p = skip_spaces(line, 0);
  if (p == line.size()) {
    g.kind = LineKind::kIgnored;
    return g;
  }
  sv t = line.substr(p);
  if (t[0] == '#') {
    g.kind = LineKind::kIgnored;
    if (t.starts_with("# tracer: ")) {
      g.kind = LineKind::kTracerName;
      g.func = trim(t.substr(10));
    }
    return g;
  }
  if (t[0] == '-' && t.find_first_not_of('-') == sv::npos) {
    g.kind = LineKind::kIgnored;
    return g;
  }
  if (t.starts_with("CPU")) {
    if (parse_lost_events(t, g)) return g;
    if (t.find(" is empty") != sv::npos) g.kind = LineKind::kIgnored;
    return g;
  }
  if (t.starts_with("cpus=") || t.starts_with("version =")) {
    g.kind = LineKind::kIgnored;
    return g;
  }
  if (parse_trace_cmd(line, p, g)) return g;

  // tracefs / perf ftrace: [abs time |] [CPU)] [TASK-PID |] [latency |] [duration |] function
  size_t c = 0, col_end = 0;
  int base = 0;
  for (;;) {
    size_t q = skip_spaces(line, c);
    if (q < line.size() && is_digit(line[q])) {
      size_t r = q;
      while (r < line.size() && is_digit(line[r])) ++r;
      uint64_t cpu = 0;
      if (r < line.size() && line[r] == ')' && parse_uint(line.substr(q, r - q), cpu) &&
          cpu <= 1u << 20) {
        g.cpu = static_cast<int>(cpu);
        c = col_end = r + 1;
        base = 1;
        continue;
      }
    }
    size_t bar = line.find('|', q);
    if (bar == sv::npos) {
      if (parse_task_switch(line.substr(q), g)) return g;
      break;
    }
    sv seg = trim(line.substr(q, bar - q));
    if (seg.empty() || parse_duration(seg, g)) {
      col_end = bar + 1;
      base = 2;
      break;
    }
    if (seg == "==========>") {
      g.kind = LineKind::kIrqEnter;
      return g;
    }
    if (seg == "<==========") {
      g.kind = LineKind::kIrqExit;
      return g;
    }
    double ts = 0;
    if (!g.has_timestamp && g.cpu < 0 && parse_decimal(seg, ts, true)) {
      g.has_timestamp = true;
      g.timestamp_s = ts;
      base = 2;  // "%5lu.%06lu |  "
    } else if (g.pid < 0 && parse_comm_pid(seg, g.comm, g.pid)) {
      base = 1;  // "comm-pid | "
    } else if (is_latency_flags(seg)) {
      base = 1;  // " d..1 | "
    } else {
      break;  // a '|' inside the function column (e.g. in a comment)
    }
    c = col_end = bar + 1;
  }
  g.has_columns = col_end > 0;
  parse_function_column(line, col_end, base, g);
  return g;
}

}  // namespace hangscope::ftrace
