// "WARNING:" formats: WARN_ON sites, refcount/kobject/ODEBUG bugs, lockdep reports (facts from
// syzkaller's pkg/report/linux.go title rules).
#include "log/title_rules.h"

namespace hangscope::log::rules {

namespace {

using SV = std::string_view;
constexpr auto npos = SV::npos;

std::string cat(SV a, SV b, SV c = "") { return std::string(a) + std::string(b) + std::string(c); }

// "WARNING: .*<file>.* (<k1>|<k2>)": the file after the header, then " k" after the file.
std::size_t warn_file(SV l, SV file, std::initializer_list<SV> keys) {
  std::size_t p = at(l, "WARNING: ");
  if (p == npos) return npos;
  std::size_t f = l.find(file, p + 9);
  if (f == npos) return npos;
  for (SV k : keys)
    if (l.find(k, f + file.size()) != npos) return p;
  return npos;
}

const SkipList kOdebugSkip{"debug_", "rcu",   "hrtimer_", "timer_",      "work_",   "percpu_",
                           "vunmap", "vfree", "__free_",  "debug_check", "kobject_"};
const SkipList kUsercopySkip{"usercopy", "__check"};
const SkipList kKobjectSkip{"kobject_"};
const SkipList kProcSkip{"proc_"};
const SkipList kRefcountSkip{"refcount", "kobject_"};
const SkipList kLockSockSkip{"lock_sock", "release_sock"};
const SkipList kKmallocSkip{"kmalloc", "krealloc", "slab", "kmem"};
const SkipList kUrbSkip{"usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg", "usb_interrupt_msg",
                        "usb_control_msg"};
const SkipList kNoExtra{};
const SkipList kWorkqueueSkip{"process_one_work", "flush_workqueue", "drain_workqueue",
                              "destroy_workqueue"};
const SkipList kRcuSkip{"rcu", "kmem", "slab"};

const StackSpec kOdebug = warning_spec(&kOdebugSkip);
const StackSpec kUsercopy = warning_spec(&kUsercopySkip);
const StackSpec kKobject = warning_spec(&kKobjectSkip);
const StackSpec kProc = warning_spec(&kProcSkip);
const StackSpec kRefcount = warning_spec(&kRefcountSkip);
const StackSpec kLocking = warning_spec(&kLockSockSkip);
const StackSpec kKmalloc = warning_spec(&kKmallocSkip);
const StackSpec kUrb = warning_spec(&kUrbSkip);
const StackSpec kPlain = warning_spec(&kNoExtra);

int at_func_part(SV l, SV& f1, SV&) { return at_func(l, f1) ? 1 : -1; }
int which_became_part(SV l, SV&, SV&) {
  std::size_t p = at(l, "which became ");
  return p != npos && contains(l.substr(p), " at:") ? 0 : -1;
}
int pc_func_part(SV l, SV& f1, SV&) { return pc_func(l, f1) ? 1 : -1; }

const StackSpec kDeadlock{
    {{StackPart::custom, at_func_part}, {StackPart::custom, at_func_part}, {StackPart::trace}},
    {},
    &kWorkqueueSkip};
const StackSpec kSafeUnsafe{
    {{StackPart::custom, which_became_part}, {StackPart::trace}}, {}, &kNoExtra};
const StackSpec kCallTrace = call_trace_spec(&kNoExtra);
const StackSpec kRcu = call_trace_spec(&kRcuSkip);
const StackSpec kUnlock{
    {{StackPart::custom, pc_func_part}, {StackPart::call_trace}, {StackPart::trace}},
    {},
    &kNoExtra};

// Later lines: first `a` then `b`, then "at: func" after them; sets caps to func.
bool chain_then_at(Lines lines, std::size_t from, SV a, SV b, Caps& c) {
  std::size_t j = from;
  if (!a.empty()) j = find_after(lines, from, [&](SV l) { return contains(l, a); });
  if (j == lines.size()) return false;
  if (!b.empty()) {
    j = find_after(lines, j, [&](SV l) { return contains(l, b); });
    if (j == lines.size()) return false;
  }
  SV func;
  if (find_after(lines, j, [&](SV l) { return at_func(l, func); }) == lines.size()) return false;
  c = Caps{};
  c.add(func);
  return true;
}

// "WARNING: .* at SRC FUNC" / "WARNING: SRC at FUNC" / "WARNING: [..] SRC at FUNC" /
// "WARNING: SRC at 0xN, CPU#N".
std::size_t warn_src_title(SV l, Caps&) {
  std::size_t p = at(l, "WARNING: ");
  if (p == npos) return npos;
  SV rest = l.substr(p + 9);
  SV src;
  std::size_t s_at = 0;
  // "WARNING: SRC at 0x1, CPU#0" and "WARNING: SRC at FUNC"
  if (find_src(rest, 0, src, &s_at) && s_at == 0 && rest.substr(src.size(), 4) == " at ") {
    std::size_t i = src.size() + 4;
    SV func;
    if (match_func(rest, i, func)) return p;
    if (rest.substr(src.size() + 4, 2) == "0x" && contains(rest, ", CPU#")) return p;
  }
  // "WARNING: [...] SRC at FUNC"
  if (rest.starts_with("[")) {
    std::size_t close = rest.rfind("] ");
    if (close != npos && find_src(rest, close + 2, src, &s_at) && s_at == close + 2 &&
        rest.substr(s_at + src.size(), 4) == " at ") {
      std::size_t i = s_at + src.size() + 4;
      SV func;
      if (match_func(rest, i, func)) return p;
    }
  }
  // "WARNING: .* at SRC FUNC"
  for (std::size_t a = rest.find(" at "); a != npos; a = rest.find(" at ", a + 1)) {
    if (find_src(rest, a + 4, src, &s_at) && s_at == a + 4 &&
        rest.substr(s_at + src.size(), 1) == " ") {
      std::size_t i = s_at + src.size() + 1;
      SV func;
      if (match_func(rest, i, func)) return p;
    }
  }
  return npos;
}

}  // namespace

#define FIND(L) [](SV l, Caps&) { return at(l, L); }
#define FRAME(P) [](const Caps&, const Frames& f) { return std::string(P) + frame0(f); }
#define CAP0(P) [](const Caps& c, const Frames&) { return cat(P, c.v[0]); }
#define FIXED(P) [](const Caps&, const Frames&) { return std::string(P); }

std::span<const TitleFormat> warning_formats() {
  static const TitleFormat kFormats[] = {
      {[](SV l, Caps&) {
         return warn_file(l, "lib/debugobjects.c", {" debug_print", " debug_check", " at"});
       },
       nullptr, &kOdebug, FRAME("WARNING: ODEBUG bug in ")},
      {[](SV l, Caps&) {
         return warn_file(l, "mm/usercopy.c", {" usercopy_warn", " at"});
       },
       nullptr, &kUsercopy, FRAME("WARNING: bad usercopy in ")},
      {[](SV l, Caps&) {
         return warn_file(l, "lib/kobject.c", {" kobject_", " at"});
       },
       nullptr, &kKobject, FRAME("WARNING: kobject bug in ")},
      {[](SV l, Caps&) {
         return warn_file(l, "fs/proc/generic.c", {" proc_register", " at"});
       },
       nullptr, &kProc, FRAME("WARNING: proc registration bug in ")},
      {[](SV l, Caps&) {
         return warn_file(l, "lib/refcount.c", {" refcount_", " at"});
       },
       nullptr, &kRefcount, FRAME("WARNING: refcount bug in ")},
      {[](SV l, Caps&) { return warn_file(l, "kernel/locking/lockdep.c", {"lock_"}); }, nullptr,
       &kLocking, FRAME("WARNING: locking bug in ")},
      {[](SV l, Caps&) { return warn_file(l, "", {"still has locks held!"}); },
       [](Lines lines, std::size_t a, Caps& c) { return chain_then_at(lines, a, "", "", c); },
       nullptr, CAP0("WARNING: still has locks held in ")},
      {FIND("WARNING: Nested lock was not taken"), nullptr, &kPlain,
       FRAME("WARNING: nested lock was not taken in ")},
      {FIND("WARNING: lock held when returning to user space"),
       [](Lines lines, std::size_t a, Caps& c) {
         return chain_then_at(lines, a, "leaving the kernel with locks still held", "", c);
       },
       nullptr, CAP0("WARNING: lock held when returning to user space in ")},
      {[](SV l, Caps&) {
         std::size_t p = at(l, "WARNING: ");
         if (p == npos) return npos;
         std::size_t m = l.find("mm/", p);
         if (m == npos) return npos;
         std::size_t c = l.find(".c", m);
         if (c == npos) return npos;
         for (std::size_t k = l.find("malloc", c + 2); k != npos; k = l.find("malloc", k + 1)) {
           for (std::size_t back = 1; back <= 3 && back <= k; ++back) {
             if (l[k - back] != ' ') continue;
             if (back == 1 || back == 2 || (back == 3 && l[k - 2] == 'k'))
               if (k - back >= c + 2) return p;
           }
         }
         return npos;
       },
       nullptr, &kKmalloc, FRAME("WARNING: kmalloc bug in ")},
      {[](SV l, Caps&) { return warn_file(l, "mm/vmalloc.c", {"__vmalloc_node"}); }, nullptr,
       &kPlain, FRAME("WARNING: zero-size vmalloc in ")},
      {[](SV l, Caps&) { return warn_file(l, "", {" usb_submit_urb"}); }, nullptr, &kUrb,
       [](const Caps&, const Frames& f) { return "WARNING in " + frame0(f) + "/usb_submit_urb"; }},
      {warn_src_title, nullptr, &kPlain, FRAME("WARNING in ")},
      {FIND("WARNING: possible circular locking dependency detected"),
       [](Lines lines, std::size_t a, Caps&) {
         return find_after(lines, a, [](SV l) {
                  return contains(l, "is trying to acquire lock");
                }) < lines.size();
       },
       &kDeadlock, FRAME("possible deadlock in ")},
      {FIND("WARNING: possible irq lock inversion dependency detected"),
       [](Lines lines, std::size_t a, Caps& c) {
         return chain_then_at(lines, a, "just changed the state of lock", "", c);
       },
       nullptr, CAP0("possible deadlock in ")},
      {[](SV l, Caps&) {
         std::size_t p = at(l, "WARNING: ");
         if (p == npos) return npos;
         std::size_t s = l.find("-safe -> ", p);
         return s != npos && contains(l.substr(s), "-unsafe lock order detected") ? p : npos;
       },
       nullptr, &kSafeUnsafe, FRAME("possible deadlock in ")},
      {FIND("WARNING: possible recursive locking detected"),
       [](Lines lines, std::size_t a, Caps& c) {
         return chain_then_at(lines, a, "is trying to acquire lock", "", c);
       },
       nullptr, CAP0("possible deadlock in ")},
      {FIND("WARNING: inconsistent lock state"),
       [](Lines lines, std::size_t a, Caps& c) { return chain_then_at(lines, a, "takes", "", c); },
       &kCallTrace, FRAME("inconsistent lock state in ")},
      {FIND("WARNING: suspicious RCU usage"),
       [](Lines lines, std::size_t a, Caps& c) {
         SV src;
         if (find_after(lines, a, [&](SV l) { return find_src(l, 0, src); }) == lines.size())
           return false;
         c = Caps{};
         c.add(src);
         return true;
       },
       &kRcu, FRAME("WARNING: suspicious RCU usage in ")},
      {[](SV l, Caps& c) {
         std::size_t p = at(l, "WARNING: kernel stack regs at ");
         if (p == npos) return npos;
         std::size_t b = l.find(" has bad '", p);
         if (b == npos) return npos;
         std::size_t e = l.find("' value", b + 10);
         if (e == npos) return npos;
         c.add(l.substr(b + 10, e - b - 10));
         return p;
       },
       nullptr, nullptr,
       [](const Caps& c, const Frames&) {
         return cat("WARNING: kernel stack regs has bad '", c.v[0], "' value");
       }},
      {[](SV l, Caps&) {
         std::size_t p = at(l, "WARNING: kernel stack frame pointer at ");
         if (p == npos) return npos;
         std::size_t i = p + 39, b = i;
         while (i < l.size() && is_hex_digit(l[i])) ++i;
         if (i == b || l.substr(i, 4) != " in ") return npos;
         std::size_t sp = l.find(' ', i + 4);
         return sp != npos && l.substr(sp, 14) == " has bad value" ? p : npos;
       },
       nullptr, nullptr, FIXED("WARNING: kernel stack frame pointer has bad value")},
      {FIND("WARNING: bad unlock balance detected!"), nullptr, &kUnlock,
       FRAME("WARNING: bad unlock balance in ")},
      {[](SV l, Caps&) {
         std::size_t p = at(l, "WARNING: kernel stack regs ");
         return p != npos && contains(l.substr(p), " has bad 'bp' value") ? p : npos;
       },
       nullptr, nullptr, FIXED("WARNING: kernel stack regs has bad value")},
      {[](SV l, Caps&) {
         std::size_t p = at(l, "WARNING: kernel stack frame pointer ");
         return p != npos && contains(l.substr(p), " has bad value") ? p : npos;
       },
       nullptr, nullptr, FIXED("WARNING: kernel stack regs has bad value")},
      {FIND("WARNING: held lock freed!"),
       [](Lines lines, std::size_t a, Caps& c) { return chain_then_at(lines, a, "", "", c); },
       nullptr, CAP0("WARNING: held lock freed in ")},
      {[](SV l, Caps&) {
         std::size_t p = at(l, "WARNING:");
         if (p == npos) return npos;
         for (std::size_t i = p + 8; i < l.size(); ++i)
           if (l[i] != ' ' && l[i] != '\t') return npos;
         return p;
       },
       nullptr, nullptr, FIXED("WARNING: corrupted"), true},
  };
  return kFormats;
}

}  // namespace hangscope::log::rules
