// Report headers: the lines that start a kernel crash report, grouped as syzkaller groups them
// ("BUG:", "WARNING:", "INFO:", "general protection fault", ...), with the lines that look like
// headers but are not (suppressions).
#pragma once

#include <cstdint>
#include <string_view>

namespace hangscope::log {

/// A header group. Order matters: when one line holds several headers the first group wins.
enum class OopsGroup : std::uint8_t {
  bug,                // "BUG:"
  warning,            // "WARNING:"
  info,               // "INFO:"
  unable_to_handle,   // "Unable to handle kernel"
  gpf,                // "general protection fault"
  stack_segment,      // "stack segment: "
  kernel_panic,       // "Kernel panic"
  double_fault,       // "PANIC: double fault"
  rust_panic,         // "rust_kernel: panicked"
  kernel_bug,         // "kernel BUG"
  kernel_bug_upper,   // "Kernel BUG"
  bug_kmalloc,        // "BUG kmalloc-"
  divide_error,       // "divide error:" / "divide_error:"
  invalid_opcode,     // "invalid opcode:"
  int3,               // "int3:"
  ubsan,              // "UBSAN:"
  reboot,             // "Booting the kernel."
  unregister_netdev,  // "unregister_netdevice: waiting for"
  vfs_close,          // "VFS: Close: file count is 0"
  vfs_busy_inodes,    // "VFS: Busy inodes after unmount"
  internal_error,     // "Internal error:"
  unhandled_fault,    // "Unhandled fault:"
  alignment_trap,     // "Alignment trap:"
  trusty_panic,       // "trusty: panic"
  go_fatal,           // "fatal error:"
  syzfail,            // "SYZFAIL:"
  syzfatal,           // "SYZFATAL:"
  panic,              // "panic:"
  hard_lockup,        // "Watchdog detected hard LOCKUP" (hangscope only; syzkaller has none)
  none,
};

/// The header group found in `text` (a line without its prefix) and the header's offset, or
/// OopsGroup::none. Suppressed look-alikes ("ODEBUG:", "INFO: lockdep is turned off", user-space
/// general protection faults, ...) give none. Hung-task blocker lines ("INFO: task X:1 blocked on
/// a mutex ...") also give none: they belong to the hung-task report before them.
OopsGroup find_oops_header(std::string_view text, std::size_t* offset = nullptr);

/// What one pass over a line found: its header group (with suppressions applied) and whether
/// it is an info message with a stack (is_info_message_with_stack).
struct LineScan {
  OopsGroup group = OopsGroup::none;
  std::size_t offset = 0;
  bool info_message = false;
};

/// One pass over `text` (cheap for ordinary lines: a SIMD prefilter, 16-32 bytes per step).
LineScan scan_line(std::string_view text);

/// False only when `text` (or any part of it) holds no header or info-message literal, so
/// scan_line() of it or of a substring finds nothing. The prefilter alone: no verification.
bool may_hold_oops_header(std::string_view text);

/// The literal header text of a group ("BUG:").
std::string_view oops_header_text(OopsGroup g);

/// True for headers that may appear inside another report without starting a new one
/// ("Kernel panic - not syncing", "invalid opcode: 0000", "PANIC: double fault", ...).
bool continues_report(std::string_view text);

/// True for lines that are not crashes but carry a stack and mark the current report as mixed
/// ("vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure").
bool is_info_message_with_stack(std::string_view text);

}  // namespace hangscope::log
