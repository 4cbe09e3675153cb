// Kernel log line prefixes: printk timestamps, caller ids, <N> levels, dmesg -T, journald and
// syslog headers, syzbot console noise. Stripping them yields the text the kernel printed.
#pragma once

#include <cstdint>
#include <string_view>

namespace hangscope::log {

/// Who printed a line, as far as the prefix tells (CONFIG_PRINTK_CALLER caller ids).
enum class ContextKind : std::uint8_t {
  none,     // no kernel prefix at all (serial noise, raw text, user-space output)
  console,  // a kernel line with a timestamp or journald header but no caller id
  task,     // "[ T1234]": printed by task 1234
  cpu,      // "[ C0]": printed from interrupt context on CPU 0
};

/// A line's printing context; lines of one report share it.
struct LineContext {
  ContextKind kind = ContextKind::none;
  std::int32_t id = 0;  // the pid (task) or cpu number (cpu); 0 otherwise
  bool operator==(const LineContext&) const = default;
};

/// One log line split into prefix facts and the kernel's text.
struct LogLine {
  std::string_view text;  // the text after every recognised prefix
  double timestamp = -1;  // seconds since boot from "[  12.345678]"; -1 when absent
  LineContext context;
  int level = -1;  // printk level from "<N>" or "N,seq,usec,-;" (-1 when absent)
};

/// Strips the known prefixes of `raw`. Never fails: unknown text is returned unchanged with
/// context `none`. Accepts "[  12.3]", "[  12.3][ T12]", "[  12.3] [T12]", "[T12]", "<6>[  12.3]",
/// "[Mon Nov 25 15:12:12 2026]" (dmesg -T), "Nov 25 15:12:12[.123456] host kernel: "
/// (journalctl -k, syslog, kern.log), "2026-11-25T15:12:12[.123][+00:00] host kernel: ",
/// "** 3 printk messages dropped ** " and "... login: " before a timestamp (syzbot consoles).
/// Without `want_timestamp` a printk timestamp is recognised but not converted: `timestamp`
/// is then 0 when present (cheaper; for callers that never read it).
LogLine strip_prefix(std::string_view raw, bool want_timestamp = true);

/// Parses a printk timestamp "[ 12.345678]" at the start of `s`; on success sets `seconds` and
/// `consumed` (bytes including the brackets). Returns false otherwise.
bool parse_printk_timestamp(std::string_view s, double& seconds, std::size_t& consumed);

}  // namespace hangscope::log
