#include "ftrace/trace_scan.h"

#include <cstdio>

namespace hangscope::ftrace {

Status scan_trace(LineReader& reader, CallStackTracker& tracker, const bool* stop) {
  std::string_view line;
  bool overlong = false;
  while ((!stop || !*stop) && reader.next(line, overlong)) {
    if (overlong) {
      ++tracker.stats().overlong_lines;
      tracker.feed(GraphLine{}, reader.line_no());  // counted as unknown
      continue;
    }
    tracker.feed(parse_graph_line(line), reader.line_no());
  }
  if (!reader.error().empty()) return make_error(reader.error());
  const TraceStats& st = tracker.stats();
  if (reader.bytes() == 0)
    return make_error(reader.name() + ": empty file, no function_graph lines");
  if (st.graph_lines == 0) {
    if (!st.tracer.empty() && st.tracer != "function_graph")
      return make_error(reader.name() + ": recorded with the '" + escape_text(st.tracer) +
                        "' tracer, not function_graph");
    return make_error(reader.name() + ": no function_graph lines in " + std::to_string(st.lines) +
                      " lines (expected lines such as ' 0)   0.364 us  |  func();')");
  }
  if (st.column_lines == 0 && st.tracer != "function_graph")
    return make_error(reader.name() + ": no function_graph columns (CPU 'N)', duration '|') in " +
                      std::to_string(st.lines) +
                      " lines; a trace without columns needs its '# tracer: function_graph' line");
  return Unit{};
}

Status scan_trace_file(const std::string& path, CallStackTracker& tracker, const bool* stop) {
  auto reader = LineReader::open(path);
  if (!reader) return reader.error();
  return scan_trace(*reader, tracker, stop);
}

std::string format_seconds(double s) {
  char buf[64];
  if (s >= 1)
    std::snprintf(buf, sizeof buf, "%.3f s", s);
  else if (s >= 1e-3)
    std::snprintf(buf, sizeof buf, "%.3f ms", s * 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.3f us", s * 1e6);
  return buf;
}

std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c >= 0x80) {
      // Keep valid UTF-8 sequences; escape everything else.
      size_t len = c >= 0xf5 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
      bool ok = len > 0 && i + len <= s.size();
      for (size_t k = 1; ok && k < len; ++k)
        ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
      if (ok) {
        out.append(s.substr(i, len));
        i += len - 1;
        continue;
      }
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace hangscope::ftrace
