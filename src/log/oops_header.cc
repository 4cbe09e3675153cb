#include "log/oops_header.h"

#include <array>
#include <bitset>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <vector>

#include "log/literal_scan.h"

namespace hangscope::log {

namespace {

struct Header {
  std::string_view text;
  OopsGroup group;
};

// In syzkaller's group order; several literals may map to one group.
constexpr Header kHeaders[] = {
    {"BUG:", OopsGroup::bug},
    {"WARNING:", OopsGroup::warning},
    {"INFO:", OopsGroup::info},
    {"Unable to handle kernel", OopsGroup::unable_to_handle},
    {"general protection fault", OopsGroup::gpf},
    {"stack segment: ", OopsGroup::stack_segment},
    {"Kernel panic", OopsGroup::kernel_panic},
    {"PANIC: double fault", OopsGroup::double_fault},
    {"rust_kernel: panicked", OopsGroup::rust_panic},
    {"kernel BUG", OopsGroup::kernel_bug},
    {"Kernel BUG", OopsGroup::kernel_bug_upper},
    {"BUG kmalloc-", OopsGroup::bug_kmalloc},
    {"divide error:", OopsGroup::divide_error},
    {"divide_error:", OopsGroup::divide_error},
    {"invalid opcode:", OopsGroup::invalid_opcode},
    {"int3:", OopsGroup::int3},
    {"UBSAN:", OopsGroup::ubsan},
    {"Booting the kernel.", OopsGroup::reboot},
    {"unregister_netdevice: waiting for", OopsGroup::unregister_netdev},
    {"VFS: Close: file count is 0", OopsGroup::vfs_close},
    {"VFS: Busy inodes after unmount", OopsGroup::vfs_busy_inodes},
    {"Internal error:", OopsGroup::internal_error},
    {"Unhandled fault:", OopsGroup::unhandled_fault},
    {"Alignment trap:", OopsGroup::alignment_trap},
    {"trusty: panic", OopsGroup::trusty_panic},
    {"fatal error:", OopsGroup::go_fatal},
    {"SYZFAIL:", OopsGroup::syzfail},
    {"SYZFATAL:", OopsGroup::syzfatal},
    {"panic:", OopsGroup::panic},
    {"Watchdog detected hard LOCKUP", OopsGroup::hard_lockup},
};

// Pseudo-headers that do not start a report but cut a console report (syzkaller's
// infoMessagesWithStack); scanned together with the headers.
constexpr std::string_view kInfoMessages[] = {
    "vmalloc: allocation failure:",
    "FAULT_INJECTION: forcing a failure",
    "FAULT_FLAG_ALLOW_RETRY missing",
};

std::uint32_t load32(const char* p) {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
std::uint32_t bloom_slot(std::uint32_t w) { return (w * 0x9E3779B1u) >> 16; }

// A 64K-bit filter over the first four bytes of every literal: one multiply and one bit test
// per byte of input; a hit is verified against the literals.
struct Needles {
  std::bitset<65536> bloom;
  struct Entry {
    std::uint32_t prefix;
    std::uint16_t index;  // < size(kHeaders): header; else info message
  };
  std::vector<Entry> entries;
  Needles() {
    for (std::size_t i = 0; i < std::size(kHeaders); ++i) add(kHeaders[i].text, i);
    for (std::size_t i = 0; i < std::size(kInfoMessages); ++i)
      add(kInfoMessages[i], std::size(kHeaders) + i);
  }
  void add(std::string_view lit, std::size_t index) {
    std::uint32_t w = load32(lit.data());
    bloom.set(bloom_slot(w));
    entries.push_back({w, static_cast<std::uint16_t>(index)});
  }
};
const Needles kNeedles;

// Every literal above, for the SIMD prefilter that keeps ordinary lines off the loop below.
const LiteralScanner& literal_scanner() {
  static const LiteralScanner scanner = [] {
    std::vector<std::string_view> all;
    for (const Header& h : kHeaders) all.push_back(h.text);
    for (std::string_view m : kInfoMessages) all.push_back(m);
    return LiteralScanner(all);
  }();
  return scanner;
}

bool contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

bool icontains(std::string_view s, std::string_view what) {
  if (what.size() > s.size()) return false;
  for (std::size_t i = 0; i + what.size() <= s.size(); ++i) {
    std::size_t j = 0;
    while (j < what.size() && (s[i + j] | 0x20) == (what[j] | 0x20)) ++j;
    if (j == what.size()) return true;
  }
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "general protection fault ... error:N in " (user-space segfault lines).
bool is_user_gpf(std::string_view s) {
  std::size_t e = s.find(" error:");
  if (e == std::string_view::npos) return false;
  std::size_t i = e + 7;
  std::size_t d = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i > d && s.substr(i, 4) == " in ";
}

bool is_blocker_line(std::string_view s) {
  return s.starts_with("INFO: task ") &&
         (contains(s, " blocked on a mutex") || contains(s, " blocked on a semaphore") ||
          contains(s, " blocked on an rw-semaphore"));
}

bool suppressed(OopsGroup g, std::string_view s) {
  switch (g) {
    case OopsGroup::bug:
      return contains(s, "ODEBUG:") || contains(s, "Boot_DEBUG:") || contains(s, "xlog_status:") ||
             contains(s, "DEBUG:") || contains(s, "BUG: no syscalls can create resource");
    case OopsGroup::warning: {
      if (contains(s, "WARNING: /etc/ssh/moduli does not exist") ||
          contains(s, "WARNING: workqueue cpumask: online intersect > possible intersect") ||
          contains(s, "WARNING: The mand mount option") ||
          contains(s, "WARNING: the mand mount option") ||
          contains(s, "WARNING: Unsupported flag value(s) of 0x%x in DT_FLAGS_1") ||
          contains(s, "WARNING: Unprivileged eBPF is enabled with eIBRS") ||
          (contains(s, "WARNING: fbcon: Driver '") && contains(s, "missed to adjust")) ||
          (contains(s, "WARNING: See https") && contains(s, "for mitigation options.")) ||
          contains(s, "WARNING: kernel not compiled with CPU_SRSO") || contains(s, "EXT4-fs") ||
          contains(s, "EXT4-FS") || contains(s, "EXT4-Fs") || contains(s, "EXT4-fS"))
        return true;
      if (icontains(s, "warning: ") && (icontains(s, " uses deprecated v2 capabilities") ||
                                        icontains(s, " uses wireless extensions")))
        return true;
      std::size_t x = s.find("XFS (");
      return x != std::string_view::npos && contains(s.substr(x), "): WARNING");
    }
    case OopsGroup::info: {
      if (contains(s, "INFO: lockdep is turned off") ||
          contains(s, "INFO: Stall ended before state dump start") ||
          contains(s, "INFO: NMI handler") ||
          contains(s, "INFO: recovery required on readonly filesystem") ||
          contains(s, "INFO: no syscalls can create resource") ||
          contains(s, "rmt_storage:INFO:") || contains(s, "_INFO:") || is_blocker_line(s))
        return true;
      std::size_t t = s.find("took too long");
      if (t != std::string_view::npos &&
          (contains(s.substr(0, t), "handler") || contains(s.substr(0, t), "interrupt")))
        return true;
      std::size_t k = s.find("INFO: sys_");
      return k != std::string_view::npos &&
             contains(s.substr(k), " is not present in /proc/kallsyms");
    }
    case OopsGroup::gpf:
      return is_user_gpf(s);
    case OopsGroup::reboot:
      return contains(s, "Parsing ELF") || contains(s, "Decompressing Linux") ||
             contains(s, "Unknown parameter '");
    case OopsGroup::go_fatal:
      return contains(s, "ALSA") || contains(s, "fatal error: cannot create timer");
    case OopsGroup::panic:
      return contains(s, "_panic:") || contains(s, "xlog_status:") || contains(s, "ddb.onpanic:") ||
             contains(s, "evtlog_status:");
    default:
      return false;
  }
}

}  // namespace

namespace {

// " func+0x1c/0x30 [mod]" (optionally "? "-prefixed): a whole line that is one stack frame
// cannot hold a header.
bool is_plain_frame(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size() && t[i] == ' ') ++i;
  if (i == 0) return false;
  if (t.substr(i, 2) == "? ") i += 2;
  std::size_t b = i;
  auto ident = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
  };
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  while (i < t.size() && ident(t[i])) ++i;
  if (i == b || t.substr(i, 3) != "+0x") return false;
  i += 3;
  while (i < t.size() && hex(t[i])) ++i;
  if (t.substr(i, 3) == "/0x") {
    i += 3;
    while (i < t.size() && hex(t[i])) ++i;
  }
  if (i == t.size()) return true;
  if (t.substr(i, 2) != " [" || t.back() != ']') return false;
  for (std::size_t k = i + 2; k + 1 < t.size(); ++k)
    if (!ident(t[k]) && t[k] != ' ' && t[k] != '-') return false;
  return true;
}

}  // namespace

LineScan scan_line(std::string_view text) {
  LineScan out;
  if (text.size() < 4) return out;
  const LiteralScanner& scanner = literal_scanner();
  std::size_t i = scanner.find(text, 0);
  if (i == LiteralScanner::npos) return out;
  const char* p = text.data();
  constexpr std::size_t kNone = SIZE_MAX;
  std::size_t best = kNone;  // lowest kHeaders index found
  for (; i != LiteralScanner::npos; i = scanner.find(text, i + 1)) {
    std::uint32_t w = load32(p + i);
    if (!kNeedles.bloom[bloom_slot(w)]) [[likely]]
      continue;
    for (const auto& e : kNeedles.entries) {
      if (e.prefix != w) continue;
      if (e.index >= std::size(kHeaders)) {
        std::string_view lit = kInfoMessages[e.index - std::size(kHeaders)];
        if (text.substr(i, lit.size()) == lit) out.info_message = true;
        continue;
      }
      if (e.index < best && text.substr(i, kHeaders[e.index].text.size()) == kHeaders[e.index].text)
        best = e.index;
    }
  }
  // A line that is one stack frame holds no header (tested only when a literal was found).
  if ((best != kNone || out.info_message) && is_plain_frame(text)) return LineScan{};
  if (best == kNone) return out;
  // Group order decides; a suppressed group lets the next one win (rare: the slow path).
  OopsGroup last = OopsGroup::none;
  for (std::size_t k = best; k < std::size(kHeaders); ++k) {
    const Header& h = kHeaders[k];
    if (h.group == last) continue;
    std::size_t at = text.find(h.text);
    if (at == std::string_view::npos) continue;
    if (suppressed(h.group, text)) {
      last = h.group;
      continue;
    }
    out.group = h.group;
    out.offset = at;
    return out;
  }
  return out;
}

bool may_hold_oops_header(std::string_view text) {
  return literal_scanner().find(text, 0) != LiteralScanner::npos;
}

OopsGroup find_oops_header(std::string_view text, std::size_t* offset) {
  LineScan s = scan_line(text);
  if (offset && s.group != OopsGroup::none) *offset = s.offset;
  return s.group;
}

std::string_view oops_header_text(OopsGroup g) {
  for (const Header& h : kHeaders)
    if (h.group == g) return h.text;
  return "";
}

bool continues_report(std::string_view s) {
  return contains(s, "invalid opcode: 0000") || contains(s, "Kernel panic - not syncing") ||
         contains(s, "unregister_netdevice: waiting for") || contains(s, "PANIC: double fault") ||
         contains(s, "Internal error:");
}

bool is_info_message_with_stack(std::string_view s) {
  return contains(s, "vmalloc: allocation failure:") ||
         contains(s, "FAULT_INJECTION: forcing a failure") ||
         contains(s, "FAULT_FLAG_ALLOW_RETRY missing");
}

}  // namespace hangscope::log
