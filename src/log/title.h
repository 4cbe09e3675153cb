// Report titles in syzkaller's wording ("INFO: task hung in iterate_supers",
// "BUG: unable to handle kernel NULL pointer dereference in nfsd_fill_super").
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "log/oops_header.h"

namespace hangscope::log {

/// A report's title and the frame it names.
struct Title {
  std::string text;        // normalised title
  std::string frame;       // the guilty frame ("" when the title names none)
  bool corrupted = false;  // the report lacks what its title format needs (frames, lines)
};

/// Builds the title of a report of header group `group` (not none). `lines` are the report's
/// lines without prefixes and without "? " frames; lines[0] holds the header. Never fails:
/// a report that matches no format is titled by its header line.
Title make_title(OopsGroup group, std::span<const std::string_view> lines);

}  // namespace hangscope::log
