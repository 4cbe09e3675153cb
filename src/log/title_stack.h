// Guilty-frame extraction for report titles: walks a report's lines through a sequence of
// "parts" (a RIP line, a "Call Trace:" line, a stack trace, a custom line) the way syzkaller's
// title rules do, and picks the frame that names the report.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "log/text_match.h"

namespace hangscope::log {

/// Matches one line for a custom part: returns -1 for no match, else the number of frames
/// (0..2) written to f1/f2.
using LinePart = int (*)(std::string_view line, std::string_view& f1, std::string_view& f2);

/// One step of a stack specification.
struct StackPart {
  enum Kind { rip, call_trace, trace, custom } kind;
  LinePart match = nullptr;  // for custom
};

/// How the guilty frame is chosen among a trace's frames.
enum class FramePick { first, stall, hang };

/// A stack specification: `parts` (and `parts2` when the first fails), the frames to skip
/// and the picker.
struct StackSpec {
  std::vector<StackPart> parts;
  std::vector<StackPart> parts2;
  const SkipList* skip = nullptr;
  FramePick pick = FramePick::first;
};

/// Runs `spec` over `lines` starting at line `first` (whose text begins at column `col`).
/// Appends one frame per trace group to `frames` ("corrupted" when a group has none) and
/// returns false when a group had no frame or a fault-injection frame was seen.
bool extract_frames(std::span<const std::string_view> lines, std::size_t first, std::size_t col,
                    const StackSpec& spec, std::vector<std::string>& frames);

/// "Call Trace:"-then-trace spec with the common skips plus `extra`.
StackSpec call_trace_spec(const SkipList* skip, FramePick pick = FramePick::first);
/// RIP line, "Call Trace:", trace.
StackSpec rip_trace_spec(const SkipList* skip, FramePick pick = FramePick::first);
/// syzkaller's WARNING stack: RIP (or "--- interrupt:") then trace; else "Call Trace:" then trace.
StackSpec warning_spec(const SkipList* skip);

}  // namespace hangscope::log
