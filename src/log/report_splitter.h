// ReportSplitter: cuts a stream of log lines into crash reports. A report starts at a header
// line (oops_header.h) and collects the following lines printed in the same context (same
// caller id, or any console line when there is none), until the next report header, a size
// cap, or a long silence in that context. Interleaved reports from different tasks
// (CONFIG_PRINTK_CALLER) are followed side by side.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "log/oops_header.h"
#include "log/prefix.h"

namespace hangscope::log {

/// One line kept in a report.
struct ReportLine {
  std::uint32_t offset = 0;  // into RawReport::text
  std::uint32_t length = 0;
  bool questionable = false;  // a "? func" frame (unreliable)
  std::uint64_t line_no = 0;  // 1-based input line
};

/// A report's lines (prefixes stripped), stored contiguously.
struct RawReport {
  OopsGroup group = OopsGroup::none;
  LineContext context;
  double timestamp = -1;   // of the header line
  std::uint64_t seq = 0;   // start order
  bool truncated = false;  // hit the line cap
  std::string text;
  std::vector<ReportLine> lines;

  std::string_view line(std::size_t i) const {
    return std::string_view(text).substr(lines[i].offset, lines[i].length);
  }
  /// The lines syzkaller's title rules see: questionable frames left out.
  void title_lines(std::vector<std::string_view>& out) const;
};

/// Splits lines into reports; reports are handed to the sink in start order.
class ReportSplitter {
 public:
  static constexpr std::size_t kMaxReportLines = 1000;  // a report is cut after this
  static constexpr std::size_t kMaxLineBytes = 1024;    // longer lines are cut
  static constexpr std::uint64_t kIdleLines = 5000;     // close after this many foreign lines
  static constexpr std::size_t kMaxOpen = 4;            // concurrently open contexts

  using Sink = std::function<void(RawReport&)>;
  explicit ReportSplitter(Sink sink) : sink_(std::move(sink)) {}

  /// Feeds one line; `scan` is scan_line(line.text).
  void feed(const LogLine& line, const LineScan& scan, std::uint64_t line_no);
  /// Closes every open report (end of input).
  void finish();
  /// Reports currently open.
  std::size_t open_count() const { return open_.size(); }

 private:
  struct Open {
    RawReport report;
    std::size_t text_lines = 0;  // non-questionable lines, as syzkaller counts them
    bool skip_rest = false;      // after a panic/deadlock tail
    bool cpu_traceback = false;  // "Sending NMI from CPU": accept other CPUs' lines
    bool has_trace = false;      // a stack trace started (Call Trace:, Allocated by, ...)
    std::uint64_t last_line = 0;
  };
  void start(const LogLine& line, OopsGroup group, std::uint64_t line_no);
  void append(Open& o, const LogLine& line, OopsGroup group, std::uint64_t line_no);
  void close(std::size_t index);
  void emit_ready();
  static bool accepts(const Open& o, const LineContext& ctx);

  Sink sink_;
  std::vector<Open> open_;
  std::vector<RawReport> closed_;  // waiting for earlier reports to close
  std::uint64_t next_seq_ = 0;
  std::uint64_t next_emit_ = 0;
  std::vector<RawReport> spare_;  // recycled buffers
};

}  // namespace hangscope::log
