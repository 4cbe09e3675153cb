// Formats of the smaller header groups: general protection fault, kernel BUG at, panics,
// divide error, UBSAN, ... (facts from syzkaller's pkg/report/linux.go title rules).
#include "log/title_rules.h"

namespace hangscope::log::rules {

namespace {

using SV = std::string_view;
constexpr auto npos = SV::npos;

std::string cat(SV a, SV b, SV c = "") { return std::string(a) + std::string(b) + std::string(c); }

const SkipList kNoExtra{};
const SkipList kUsercopySkip{"usercopy", "__check"};
const SkipList kSkbSkip{"^skb_"};
const SkipList kStackChkSkip{"stack_chk"};
const SkipList kStackEndSkip{"schedule", "retint_kernel"};
const SkipList kBadStackSkip{"bad_stack"};
const SkipList kUbsanSkip{"ubsan", "overflow"};
const SkipList kRustSkip{"__rustc::rust_begin_unwind"};

const StackSpec kRip = rip_trace_spec(&kNoExtra);
const StackSpec kRipOnly{{{StackPart::rip}}, {}, &kNoExtra};
const StackSpec kCall = call_trace_spec(&kNoExtra);
const StackSpec kUsercopy = call_trace_spec(&kUsercopySkip);
const StackSpec kKernelBug = rip_trace_spec(&kSkbSkip);
const StackSpec kStackChk = call_trace_spec(&kStackChkSkip);
const StackSpec kStackEnd = call_trace_spec(&kStackEndSkip, FramePick::stall);
const StackSpec kOverflow = call_trace_spec(&kBadStackSkip, FramePick::stall);
const StackSpec kUbsan = call_trace_spec(&kUbsanSkip);
const StackSpec kRust = call_trace_spec(&kRustSkip);
const StackSpec kHardLockupStack = rip_trace_spec(&kNoExtra, FramePick::stall);

}  // namespace

#define FIND(L) [](SV l, Caps&) { return at(l, L); }
#define FRAME(P) [](const Caps&, const Frames& f) { return std::string(P) + frame0(f); }
#define FIXED(P) [](const Caps&, const Frames&) { return std::string(P); }
#define REST(L)                                       \
  [](SV l, Caps& c) {                                 \
    std::size_t p = at(l, L);                         \
    if (p != npos) c.add(l.substr(p + SV(L).size())); \
    return p;                                         \
  }
#define CAT0(P, S) [](const Caps& c, const Frames&) { return cat(P, c.v[0], S); }

std::span<const TitleFormat> misc_formats(OopsGroup g) {
  static const TitleFormat kUnable[] = {
      {[](SV l, Caps& c) {
         for (SV k :
              {SV("paging request"), SV("NULL pointer dereference"), SV("access to user memory")}) {
           std::size_t p = at(l, cat("Unable to handle kernel ", k));
           if (p != npos) return c.add(k), p;
         }
         return npos;
       },
       nullptr, &kRip,
       [](const Caps& c, const Frames& f) {
         return cat("BUG: unable to handle kernel ", c.v[0], " in ") + frame0(f);
       }},
  };
  static const TitleFormat kGpf[] = {
      {[](SV l, Caps&) {
         std::size_t p = at(l, "general protection fault");
         return p != npos && l.find(':', p) != npos ? p : npos;
       },
       nullptr, &kRip, FRAME("general protection fault in ")},
  };
  static const TitleFormat kStackSegment[] = {
      {FIND("stack segment: "), nullptr, &kRip, FRAME("stack segment fault in ")}};
  static const TitleFormat kPanic[] = {
      {FIND("Kernel panic - not syncing: stack-protector:"),
       [](Lines lines, std::size_t a, Caps& c) {
         SV func;
         if (!func_after(
                 lines[a],
                 "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: ",
                 func))
           return false;
         c = Caps{};
         c.add(func);
         return true;
       },
       nullptr, CAT0("kernel panic: stack is corrupted in ", "")},
      {FIND("Kernel panic - not syncing: stack-protector:"),
       [](Lines lines, std::size_t a, Caps& c) {
         std::size_t p = at(lines[a], "Kernel stack is corrupted in: ");
         if (p == npos || p + 30 >= lines[a].size() || !is_hex_digit(lines[a][p + 30]))
           return false;
         c = Caps{};
         return true;
       },
       &kStackChk, FRAME("kernel panic: stack is corrupted in ")},
      {FIND("Kernel panic - not syncing: corrupted stack end"),
       [](Lines lines, std::size_t a, Caps&) {
         return contains(
             lines[a], "Kernel panic - not syncing: corrupted stack end detected inside scheduler");
       },
       &kStackEnd, FRAME("kernel panic: corrupted stack end in ")},
      {FIND("Kernel panic - not syncing: kernel stack overflow"), nullptr, &kOverflow,
       FRAME("kernel stack overflow in ")},
      {FIND("Kernel panic - not syncing: Attempted to kill init!"), nullptr, nullptr,
       FIXED("kernel panic: Attempted to kill init!")},
      {FIND("Kernel panic - not syncing: Couldn't open N_TTY ldisc for "), nullptr, nullptr,
       FIXED("kernel panic: Couldn't open N_TTY ldisc")},
      {FIND("Kernel panic - not syncing: Fatal exception"), nullptr, nullptr,
       FIXED("kernel panic: Fatal exception"), true},
      {FIND("Kernel panic - not syncing: panic_on_warn set"), nullptr, nullptr,
       FIXED("kernel panic: panic_on_warn set"), true},
      {FIND("Kernel panic - not syncing: hung_task: blocked tasks"), nullptr, nullptr,
       FIXED("kernel panic: hung_task: blocked tasks"), true},
      {REST("Kernel panic - not syncing: "), nullptr, nullptr, CAT0("kernel panic: ", "")},
  };
  static const TitleFormat kDoubleFault[] = {
      {FIND("PANIC: double fault"), nullptr, &kRipOnly, FRAME("PANIC: double fault in ")}};
  static const TitleFormat kRustPanic[] = {
      {FIND("rust_kernel: panicked"),
       [](Lines lines, std::size_t a, Caps& c) {
         if (!contains(lines[a], "rust_kernel: panicked at ") || a + 1 >= lines.size() ||
             lines[a + 1].empty())
           return false;
         c = Caps{};
         c.add(lines[a + 1]);
         return true;
       },
       &kRust, [](const Caps& c, const Frames& f) { return cat(c.v[0], " in ") + frame0(f); }},
  };
  static const TitleFormat kKernelBugs[] = {
      {FIND("kernel BUG at mm/usercopy.c"), nullptr, &kUsercopy, FRAME("BUG: bad usercopy in ")},
      {FIND("kernel BUG at lib/list_debug.c"), nullptr, &kCall, FRAME("BUG: corrupted list in ")},
      {FIND("kernel BUG at "), nullptr, &kKernelBug, FRAME("kernel BUG in ")},
  };
  static const TitleFormat kKernelBugUpper[] = {
      {REST("Kernel BUG "), nullptr, nullptr, CAT0("kernel BUG ", "")}};
  static const TitleFormat kKmalloc[] = {
      {[](SV l, Caps&) {
         std::size_t p = at(l, "BUG kmalloc-");
         return p != npos && contains(l.substr(p), ": Object already free") ? p : npos;
       },
       nullptr, nullptr, FIXED("BUG: Object already free")}};
  static const TitleFormat kDivide[] = {{[](SV l, Caps&) {
                                           std::size_t p = at(l, "divide error: ");
                                           return p != npos ? p : at(l, "divide_error: ");
                                         },
                                         nullptr, &kRipOnly, FRAME("divide error in ")}};
  static const TitleFormat kInvalidOpcode[] = {
      {FIND("invalid opcode: "), nullptr, &kRipOnly, FRAME("invalid opcode in ")}};
  static const TitleFormat kInt3[] = {{FIND("int3: "), nullptr, &kRip, FRAME("int3 in ")}};
  static const TitleFormat kUbsanF[] = {
      {FIND("UBSAN:"),
       [](Lines lines, std::size_t a, Caps&) {
         return contains(lines[a], "UBSAN: Undefined behaviour in");
       },
       &kUbsan, FRAME("UBSAN: undefined-behaviour in ")},
      {FIND("UBSAN: array-index-out-of-bounds in"), nullptr, &kUbsan,
       FRAME("UBSAN: array-index-out-of-bounds in ")},
      {FIND("UBSAN:"),
       [](Lines lines, std::size_t a, Caps& c) {
         std::size_t p = at(lines[a], "UBSAN: ");
         if (p == npos) return false;
         std::size_t e = lines[a].find(" in", p + 7);
         if (e == npos) return false;
         c = Caps{};
         c.add(lines[a].substr(p + 7, e - p - 7));
         return true;
       },
       &kUbsan,
       [](const Caps& c, const Frames& f) { return cat("UBSAN: ", c.v[0], " in ") + frame0(f); }},
  };
  static const TitleFormat kReboot[] = {
      {[](SV l, Caps&) { return l.starts_with("Booting the kernel") ? 0 : npos; }, nullptr, nullptr,
       FIXED("unexpected kernel reboot")}};
  static const TitleFormat kUnregister[] = {
      {[](SV l, Caps&) {
         std::size_t p = at(l, "unregister_netdevice: waiting for ");
         return p != npos && contains(l.substr(p), " to become free") ? p : npos;
       },
       nullptr, nullptr, FIXED("unregister_netdevice: waiting for DEV to become free")}};
  static const TitleFormat kVfsClose[] = {
      {FIND("VFS: Close: file count is 0"), nullptr, nullptr,
       FIXED("VFS: Close: file count is zero (use-after-free)")}};
  static const TitleFormat kVfsBusy[] = {
      {FIND("VFS: Busy inodes after unmount"), nullptr, nullptr,
       FIXED("VFS: Busy inodes after unmount (use-after-free)")}};
  static const TitleFormat kInternal[] = {
      {FIND("Internal error:"), nullptr, &kRip, FRAME("Internal error in ")}};
  static const TitleFormat kUnhandled[] = {
      {FIND("Unhandled fault:"), nullptr, &kRip, FRAME("Unhandled fault in ")}};
  static const TitleFormat kAlignment[] = {
      {FIND("Alignment trap:"), nullptr, &kRip, FRAME("Alignment trap in ")}};
  static const TitleFormat kTrusty[] = {
      {[](SV l, Caps&) {
         std::size_t p = at(l, "trusty: panic");
         return p != npos && contains(l.substr(p), " ASSERT FAILED") ? p : npos;
       },
       [](Lines lines, std::size_t a, Caps& c) {
         SV l = lines[a];
         std::size_t p = at(l, "trusty: panic (");
         if (p == npos) return false;
         std::size_t q = l.find("):", p);
         if (q == npos) return false;
         SV r = l.substr(q + 2);
         if (r.starts_with(" DEBUG")) r.remove_prefix(6);
         if (!r.starts_with(" ASSERT FAILED at (")) return false;
         std::size_t e = r.find("): ");
         if (e == npos || e + 3 >= r.size()) return false;
         c = Caps{};
         c.add(r.substr(e + 3));
         return true;
       },
       nullptr, CAT0("trusty: ASSERT FAILED: ", "")},
      {[](SV l, Caps& c) {
         std::size_t p = at(l, "trusty: panic");
         if (p == npos) return npos;
         std::size_t a = l.rfind("ASSERT FAILED");
         if (a == npos || a < p) return npos;
         std::size_t colon = l.rfind(':');
         if (colon == npos || colon < a) return npos;
         SV r = l.substr(colon + 1);
         while (!r.empty() && r[0] == ' ') r.remove_prefix(1);
         c.add(r);
         return p;
       },
       nullptr, nullptr, CAT0("trusty: ASSERT FAILED: ", ""), true},
      {FIND("trusty: panic"),
       [](Lines lines, std::size_t a, Caps& c) {
         std::size_t p = at(lines[a], "trusty: panic (");
         if (p == npos) return false;
         std::size_t q = lines[a].find("): ", p);
         if (q == npos || q + 3 >= lines[a].size()) return false;
         c = Caps{};
         c.add(lines[a].substr(q + 3));
         return true;
       },
       nullptr, CAT0("trusty: panic: ", "")},
  };
  static const TitleFormat kGo[] = {
      {FIND("fatal error:"), nullptr, nullptr, FIXED("go runtime error")}};
  static const TitleFormat kSyzfail[] = {
      {REST("SYZFAIL:"), nullptr, nullptr, CAT0("SYZFAIL:", "")}};
  static const TitleFormat kSyzfatal[] = {
      {REST("SYZFATAL:"), nullptr, nullptr, CAT0("SYZFATAL:", "")}};
  static const TitleFormat kPanicColon[] = {
      {[](SV l, Caps&) {
         std::size_t p = at(l, "panic: Sentry detected ");
         return p != npos && contains(l.substr(p), " stuck task") ? p : npos;
       },
       nullptr, nullptr, FIXED("panic: Sentry detected stuck tasks")},
      {REST("panic:"), nullptr, nullptr, CAT0("panic:", "")},
  };
  static const TitleFormat kHardLockup[] = {{FIND("Watchdog detected hard LOCKUP"), nullptr,
                                             &kHardLockupStack, FRAME("BUG: hard lockup in ")}};
  switch (g) {
    case OopsGroup::hard_lockup:
      return kHardLockup;
    case OopsGroup::unable_to_handle:
      return kUnable;
    case OopsGroup::gpf:
      return kGpf;
    case OopsGroup::stack_segment:
      return kStackSegment;
    case OopsGroup::kernel_panic:
      return kPanic;
    case OopsGroup::double_fault:
      return kDoubleFault;
    case OopsGroup::rust_panic:
      return kRustPanic;
    case OopsGroup::kernel_bug:
      return kKernelBugs;
    case OopsGroup::kernel_bug_upper:
      return kKernelBugUpper;
    case OopsGroup::bug_kmalloc:
      return kKmalloc;
    case OopsGroup::divide_error:
      return kDivide;
    case OopsGroup::invalid_opcode:
      return kInvalidOpcode;
    case OopsGroup::int3:
      return kInt3;
    case OopsGroup::ubsan:
      return kUbsanF;
    case OopsGroup::reboot:
      return kReboot;
    case OopsGroup::unregister_netdev:
      return kUnregister;
    case OopsGroup::vfs_close:
      return kVfsClose;
    case OopsGroup::vfs_busy_inodes:
      return kVfsBusy;
    case OopsGroup::internal_error:
      return kInternal;
    case OopsGroup::unhandled_fault:
      return kUnhandled;
    case OopsGroup::alignment_trap:
      return kAlignment;
    case OopsGroup::trusty_panic:
      return kTrusty;
    case OopsGroup::go_fatal:
      return kGo;
    case OopsGroup::syzfail:
      return kSyzfail;
    case OopsGroup::syzfatal:
      return kSyzfatal;
    case OopsGroup::panic:
      return kPanicColon;
    default:
      return {};
  }
}

std::span<const TitleFormat> formats_for(OopsGroup g) {
  switch (g) {
    case OopsGroup::bug:
      return bug_formats();
    case OopsGroup::warning:
      return warning_formats();
    case OopsGroup::info:
      return info_formats();
    default:
      return misc_formats(g);
  }
}

bool func_after(SV l, SV key, SV& func) {
  std::size_t p = at(l, key);
  if (p == npos) return false;
  std::size_t i = p + key.size();
  return match_func(l, i, func);
}

bool at_func(SV l, SV& func) {
  for (std::size_t p = l.find("at: "); p != npos; p = l.find("at: ", p + 1)) {
    std::size_t i = p + 4;
    std::size_t j = i;
    if (match_pc(l, j) && j < l.size() && l[j] == ' ') {
      while (j < l.size() && l[j] == ' ') ++j;
      if (match_func(l, j, func)) return true;
    }
    while (i < l.size() && l[i] == ' ') ++i;
    if (match_func(l, i, func)) return true;
  }
  return false;
}

bool pc_func(SV l, SV& func) {
  for (std::size_t p = l.find('['); p != npos; p = l.find('[', p + 1)) {
    std::size_t i = p;
    if (!match_pc(l, i) || i >= l.size() || l[i] != ' ') continue;
    while (i < l.size() && l[i] == ' ') ++i;
    if (match_func(l, i, func)) return true;
  }
  return false;
}

SV word_at(SV l, std::size_t pos, bool spaces) {
  std::size_t i = pos;
  while (i < l.size() && ((l[i] >= 'a' && l[i] <= 'z') || l[i] == '-' || (spaces && l[i] == ' ')))
    ++i;
  return pos <= l.size() ? l.substr(pos, i - pos) : SV();
}

}  // namespace hangscope::log::rules
