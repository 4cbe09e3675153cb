#include "log/log_parser.h"

#include "log/classify.h"
#include "log/prefix.h"

namespace hangscope::log {

LogParser::LogParser(ParseOptions opts)
    : opts_(opts), splitter_([this](RawReport& r) { on_report(r); }) {}

void LogParser::feed(std::string_view raw, bool truncated) {
  ++line_no_;
  ++digest_.lines;
  if (truncated) ++digest_.truncated_lines;
  // Titles with no report open: a line without a header literal changes nothing (the
  // splitter has no report to extend), so its prefix need not be parsed.
  if (opts_.titles_only && splitter_.open_count() == 0 && !may_hold_oops_header(raw)) return;
  // Titles never read a timestamp (report_title): skip converting them.
  LogLine line = strip_prefix(raw, !opts_.titles_only);
  LineScan scan = scan_line(line.text);
  splitter_.feed(line, scan, line_no_);
  if (!opts_.titles_only) tasks_.feed(line, digest_);
}

void LogParser::finish() {
  splitter_.finish();
  if (!opts_.titles_only) tasks_.finish(digest_);
}

void LogParser::on_report(RawReport& r) {
  ++digest_.reports;
  if (opts_.titles_only) {
    if (title_sink_) title_sink_(report_title(r));
    return;
  }
  Event e = classify_report(r);
  if (title_sink_) title_sink_(e.title);
  if (!e.release.empty()) digest_.release = e.release;
  if (e.tainted_known) {
    digest_.taint = e.taint;
    digest_.taint_known = true;
  }
  if (digest_.events.size() < opts_.max_events) {
    digest_.events.push_back(std::move(e));
  } else {
    ++digest_.events_dropped;
  }
}

LogDigest parse_log_text(std::string_view text, ParseOptions opts) {
  LogParser p(opts);
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    p.feed(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  p.finish();
  return std::move(p.digest());
}

std::vector<std::string> titles_of(std::string_view text) {
  std::vector<std::string> out;
  ParseOptions opts;
  opts.titles_only = true;
  LogParser p(opts);
  p.on_title([&](const std::string& t) { out.push_back(t); });
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    p.feed(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  p.finish();
  return out;
}

}  // namespace hangscope::log
