#include "log/title.h"

#include <array>
#include <vector>

#include "log/title_normalize.h"
#include "log/title_rules.h"

namespace hangscope::log {

namespace {

constexpr std::size_t kMaxTitleScanLines = 200;

// The raw header line as the title of a report no format matched.
Title raw_title(OopsGroup group, std::span<const std::string_view> lines, bool corrupted) {
  std::string_view header = oops_header_text(group);
  for (std::string_view l : lines) {
    std::size_t p = l.find(header);
    if (p == std::string_view::npos && group == OopsGroup::divide_error)
      p = l.find("divide_error:");
    if (p != std::string_view::npos) return {normalize_title(l.substr(p)), "", corrupted};
  }
  return {normalize_title(lines.empty() ? header : lines[0]), "", corrupted};
}

}  // namespace

Title make_title(OopsGroup group, std::span<const std::string_view> lines) {
  auto formats = rules::formats_for(group);
  if (formats.empty() || lines.empty()) return raw_title(group, lines, false);
  std::size_t n = std::min(lines.size(), kMaxTitleScanLines);
  std::string joined;
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view line = lines[i];
    // Columns of each format's title match on this line.
    constexpr std::size_t kMaxFormats = 64;
    std::array<std::size_t, kMaxFormats> cols;
    std::array<rules::Caps, kMaxFormats> caps;
    if (formats.size() > kMaxFormats) formats = formats.first(kMaxFormats);
    std::size_t best = std::string_view::npos;
    for (std::size_t f = 0; f < formats.size(); ++f) {
      cols[f] = formats[f].title(line, caps[f]);
      if (cols[f] < best) best = cols[f];
    }
    // A task comm may contain a newline: "INFO: task foo\nbar:12 blocked for more than".
    if (best == std::string_view::npos && group == OopsGroup::info && i + 1 < lines.size() &&
        line.find("INFO: task ") != std::string_view::npos) {
      joined.assign(line);
      joined += '\n';
      joined.append(lines[i + 1].substr(0, 100));
      for (std::size_t f = 0; f < formats.size(); ++f) {
        caps[f] = rules::Caps{};
        cols[f] = formats[f].title(joined, caps[f]);
        if (cols[f] >= line.size()) cols[f] = std::string_view::npos;
        if (cols[f] < best) best = cols[f];
      }
    }
    if (best == std::string_view::npos) continue;
    for (std::size_t f = 0; f < formats.size(); ++f) {
      if (cols[f] != best) continue;
      const rules::TitleFormat& fmt = formats[f];
      rules::Caps c = caps[f];
      if (fmt.report && !fmt.report(lines, i, c)) continue;
      rules::Frames frames;
      bool corrupted = fmt.corrupted;
      if (fmt.stack && !extract_frames(lines, i, best, *fmt.stack, frames)) corrupted = true;
      Title t;
      t.text = normalize_title(fmt.format(c, frames));
      if (!frames.empty()) t.frame = frames.back();
      t.corrupted = corrupted;
      return t;
    }
    return raw_title(group, lines, true);  // title matched but no report format did
  }
  return raw_title(group, lines, false);
}

}  // namespace hangscope::log
