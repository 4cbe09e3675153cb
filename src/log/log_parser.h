// LogParser: the streaming front end of `hangscope log`. Feed it lines (any prefix format); it
// cuts crash reports, titles and classifies them, and collects task dumps, held-lock dumps
// and blocker lines. Memory stays bounded whatever the input size.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "log/event.h"
#include "log/report_splitter.h"
#include "log/task_collector.h"

namespace hangscope::log {

/// Limits and modes.
struct ParseOptions {
  bool titles_only = false;       // only titles: skip classification and collectors
  std::size_t max_events = 2000;  // events kept in the digest (later ones are counted)
};

/// Everything learned from a log.
struct LogDigest {
  std::vector<Event> events;             // in report order
  std::uint64_t reports = 0;             // reports seen (including dropped ones)
  std::uint64_t events_dropped = 0;      // beyond max_events
  std::vector<TaskDump> tasks;           // the latest dump per pid
  std::vector<HeldLockDump> held_locks;  // the latest dump per pid
  std::vector<BlockerLine> blockers;     // the latest per waiter pid
  std::string release;                   // kernel release ("" when never printed)
  std::string taint;                     // last taint flags seen
  bool taint_known = false;
  std::uint64_t lines = 0;
  std::uint64_t truncated_lines = 0;  // lines cut by the reader
};

/// The streaming parser.
class LogParser {
 public:
  using TitleSink = std::function<void(const std::string& title)>;
  explicit LogParser(ParseOptions opts = {});

  /// Called with each report's title as soon as the report is complete (first report first).
  void on_title(TitleSink sink) { title_sink_ = std::move(sink); }
  /// Feeds one raw line (any prefix); `truncated` marks a line cut by the reader.
  void feed(std::string_view raw_line, bool truncated = false);
  /// Ends the input: closes open reports and dumps.
  void finish();
  /// The result (complete after finish()).
  const LogDigest& digest() const { return digest_; }
  LogDigest& digest() { return digest_; }

 private:
  void on_report(RawReport& r);

  ParseOptions opts_;
  TitleSink title_sink_;
  ReportSplitter splitter_;
  TaskCollector tasks_;
  LogDigest digest_;
  std::uint64_t line_no_ = 0;
};

/// Parses a whole in-memory log (tests, fuzzing).
LogDigest parse_log_text(std::string_view text, ParseOptions opts = {});

/// The titles of every report in `text`, first report first.
std::vector<std::string> titles_of(std::string_view text);

}  // namespace hangscope::log
