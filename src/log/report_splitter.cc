#include "log/report_splitter.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "log/text_match.h"

namespace hangscope::log {

namespace {

// t.find(c) without a libc call per line (report lines are short).
std::size_t find_char(std::string_view t, char c) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  for (; i + 16 <= t.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    if (int m = _mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)))
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
#endif
  for (; i < t.size(); ++i)
    if (t[i] == c) return i;
  return std::string_view::npos;
}

// "? func" frames (x86: "[<pc>] ? func", " ? func"; powerpc: "... (unreliable)").
bool is_questionable(std::string_view t) {
  if (t.ends_with(" (unreliable)")) return !contains(t, "<EOI>");
  std::size_t q = find_char(t, '?');
  if (q == std::string_view::npos) return false;
  bool frame = (q == 0 || t[q - 1] == ' ') && q + 1 < t.size() && t[q + 1] == ' ';
  if (!frame) frame = contains(t.substr(q + 1), " ? ");
  return frame && !contains(t, "<EOI>");
}

bool is_console(const LineContext& c) {
  return c.kind == ContextKind::console || c.kind == ContextKind::none;
}

}  // namespace

void RawReport::title_lines(std::vector<std::string_view>& out) const {
  out.clear();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (!lines[i].questionable) out.push_back(line(i));
}

bool ReportSplitter::accepts(const Open& o, const LineContext& ctx) {
  if (o.report.context == ctx) return true;
  return o.cpu_traceback && ctx.kind == ContextKind::cpu;
}

void ReportSplitter::feed(const LogLine& line, const LineScan& scan, std::uint64_t line_no) {
  std::string_view t = line.text;
  OopsGroup group = scan.group;
  if (group != OopsGroup::none || scan.info_message) {
    bool continuation = group != OopsGroup::none && continues_report(t);
    bool absorbed = false;
    for (std::size_t i = 0; i < open_.size();) {
      Open& o = open_[i];
      bool same = accepts(o, line.context);
      if (continuation && same) {
        append(o, line, group, line_no);
        absorbed = true;
        ++i;
        continue;
      }
      if (!continuation && (same || is_console(o.report.context))) {
        if (same && !is_console(o.report.context) && !o.has_trace) {
          // syzkaller reads a caller-id report to the end of its context: a report that has
          // not printed its stack yet takes it from the report that follows.
          append(o, line, group, line_no);
          ++i;
          continue;
        }
        close(i);  // a second report cuts this one
        continue;
      }
      ++i;
    }
    if (group != OopsGroup::none && !absorbed) start(line, group, line_no);
    emit_ready();
    return;
  }
  for (std::size_t i = 0; i < open_.size();) {
    Open& o = open_[i];
    if (accepts(o, line.context)) {
      append(o, line, group, line_no);
      if (o.report.lines.size() >= kMaxReportLines) {
        o.report.truncated = true;
        close(i);
        continue;
      }
    } else if (line_no - o.last_line > kIdleLines) {
      close(i);
      continue;
    }
    ++i;
  }
  if (!closed_.empty()) emit_ready();
}

void ReportSplitter::start(const LogLine& line, OopsGroup group, std::uint64_t line_no) {
  if (open_.size() >= kMaxOpen) close(0);
  Open o;
  if (!spare_.empty()) {
    o.report = std::move(spare_.back());
    spare_.pop_back();
    o.report.text.clear();
    o.report.lines.clear();
    o.report.truncated = false;
  }
  o.report.group = group;
  o.report.context = line.context;
  o.report.timestamp = line.timestamp;
  o.report.seq = next_seq_++;
  open_.push_back(std::move(o));
  Open& added = open_.back();
  append(added, line, group, line_no);
}

void ReportSplitter::append(Open& o, const LogLine& line, OopsGroup group, std::uint64_t line_no) {
  o.last_line = line_no;
  if (o.skip_rest) return;
  std::string_view t = line.text;
  bool is_first = o.report.lines.empty();
  if (!is_first && !t.empty() && t[0] == 'D' &&  // (the first byte saves a memcmp per line)
      t.starts_with("Disabling lock debugging due to kernel taint"))
    return;
  bool questionable = !is_first && is_questionable(t);
  // has_trace only matters to caller-id reports (feed()): console reports skip the test.
  if (!o.has_trace && !is_first && !is_console(o.report.context) && is_stack_start(t))
    o.has_trace = true;
  if (!questionable) ++o.text_lines;
  if (!is_first && !questionable) {
    if (t.starts_with("Sending NMI from CPU")) {
      o.cpu_traceback = true;
    } else if ((group == OopsGroup::kernel_panic && contains(t, "Kernel panic - not syncing")) ||
               (group == OopsGroup::warning &&
                contains(t, "WARNING: possible circular locking dependency detected"))) {
      std::size_t min_lines = contains(o.report.line(0), "BUG: KMSAN:") ? 16 : 22;
      if (o.text_lines > min_lines) {
        o.skip_rest = true;
        return;
      }
    }
  }
  if (t.size() > kMaxLineBytes) t = t.substr(0, kMaxLineBytes);
  ReportLine rl;
  rl.offset = static_cast<std::uint32_t>(o.report.text.size());
  rl.length = static_cast<std::uint32_t>(t.size());
  rl.questionable = questionable;
  rl.line_no = line_no;
  o.report.text.append(t);
  o.report.lines.push_back(rl);
}

void ReportSplitter::close(std::size_t index) {
  closed_.push_back(std::move(open_[index].report));
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
}

void ReportSplitter::emit_ready() {
  for (;;) {
    auto it = std::find_if(closed_.begin(), closed_.end(),
                           [&](const RawReport& r) { return r.seq == next_emit_; });
    if (it == closed_.end()) return;
    RawReport r = std::move(*it);
    closed_.erase(it);
    ++next_emit_;
    sink_(r);
    if (spare_.size() < kMaxOpen) spare_.push_back(std::move(r));
  }
}

void ReportSplitter::finish() {
  while (!open_.empty()) close(0);
  std::sort(closed_.begin(), closed_.end(),
            [](const RawReport& a, const RawReport& b) { return a.seq < b.seq; });
  for (RawReport& r : closed_) {
    next_emit_ = r.seq + 1;
    sink_(r);
  }
  closed_.clear();
}

}  // namespace hangscope::log
