// "INFO:" formats: hung tasks, RCU stalls, old-style lockdep reports (facts from syzkaller's
// pkg/report/linux.go title rules).
#include "log/title_rules.h"

namespace hangscope::log::rules {

namespace {

using SV = std::string_view;
constexpr auto npos = SV::npos;

std::string cat(SV a, SV b, SV c = "") { return std::string(a) + std::string(b) + std::string(c); }

const SkipList kNoExtra{};
const SkipList kRcuStallSkip{"apic_timer_interrupt", "rcu"};
const SkipList kKeySkip{"stack", "lock", "IRQ"};
const SkipList kRcuSkip{"rcu", "kmem", "slab"};
const SkipList kSchedSkip{"schedule"};

int apic_part(SV l, SV&, SV&) { return contains(l, "apic_timer_interrupt") ? 0 : -1; }
int irq_entry_part(SV l, SV&, SV&) {
  return contains(l, "apic_timer_interrupt") || contains(l, "Exception stack") ||
                 contains(l, "el1h_64_irq")
             ? 0
             : -1;
}

const StackSpec kRcuStall{{{StackPart::custom, apic_part}, {StackPart::rip}, {StackPart::trace}},
                          {{StackPart::custom, irq_entry_part}, {StackPart::trace}},
                          &kRcuStallSkip,
                          FramePick::stall};
const StackSpec kKey = call_trace_spec(&kKeySkip);
const StackSpec kRcu = call_trace_spec(&kRcuSkip);
const StackSpec kHung = call_trace_spec(&kNoExtra, FramePick::hang);
const StackSpec kCantDie = call_trace_spec(&kSchedSkip);

// "INFO: <what> ]" then later "<mid>" then a later "at: [<pc>] func".
bool old_lockdep(Lines lines, std::size_t a, SV what, SV mid, Caps& c) {
  if (!contains(lines[a], cat("INFO: ", what, " ]"))) return false;
  std::size_t j = find_after(lines, a, [&](SV l) { return contains(l, mid); });
  if (j == lines.size()) return false;
  SV func;
  if (find_after(lines, j, [&](SV l) {
        std::size_t p = at(l, "at: ");
        if (p == npos) return false;
        std::size_t i = p + 4;
        if (!match_pc(l, i)) return false;
        while (i < l.size() && l[i] == ' ') ++i;
        return match_func(l, i, func);
      }) == lines.size())
    return false;
  c = Caps{};
  c.add(func);
  return true;
}

// "INFO: rcu_(preempt|sched|bh|tasks) (self-)?detected( expedited)? stall"
std::size_t rcu_stall_title(SV l, Caps&) {
  std::size_t p = at(l, "INFO: rcu_");
  if (p == npos) return npos;
  SV r = l.substr(p + 10);
  for (SV flavor : {SV("preempt "), SV("sched "), SV("bh "), SV("tasks ")}) {
    if (!r.starts_with(flavor)) continue;
    r.remove_prefix(flavor.size());
    if (r.starts_with("self-")) r.remove_prefix(5);
    if (!r.starts_with("detected")) return npos;
    r.remove_prefix(8);
    if (r.starts_with(" expedited")) r.remove_prefix(10);
    return r.starts_with(" stall") ? p : npos;
  }
  return npos;
}

// "INFO: task {{TASK}} blocked (in I/O wait )?for more than N seconds" (TASK: up to 100 bytes).
std::size_t hung_title(SV l, Caps&) {
  std::size_t p = at(l, "INFO: task ");
  if (p == npos) return npos;
  SV r = l.substr(p + 11);
  for (std::size_t b = r.find(" blocked "); b != npos && b <= 100; b = r.find(" blocked ", b + 1)) {
    SV t = r.substr(b + 9);
    if (t.starts_with("in I/O wait ")) t.remove_prefix(12);
    if (!t.starts_with("for more than ")) continue;
    t.remove_prefix(14);
    std::size_t i = 0;
    while (i < t.size() && is_dec_digit(t[i])) ++i;
    if (i > 0 && t.substr(i, 8) == " seconds") return p;
  }
  return npos;
}

std::size_t cant_die_title(SV l, Caps&) {
  std::size_t p = at(l, "INFO: task ");
  if (p == npos) return npos;
  std::size_t c = l.find(" can't die for more than ", p + 11);
  if (c == npos || c - (p + 11) > 100) return npos;
  return contains(l.substr(c), " seconds") ? p : npos;
}

}  // namespace

#define FIND(L) [](SV l, Caps&) { return at(l, L); }
#define FRAME(P) [](const Caps&, const Frames& f) { return std::string(P) + frame0(f); }
#define CAP0(P) [](const Caps& c, const Frames&) { return cat(P, c.v[0]); }
#define FIXED(P) [](const Caps&, const Frames&) { return std::string(P); }

std::span<const TitleFormat> info_formats() {
  static const TitleFormat kFormats[] = {
      {FIND("INFO: possible circular locking dependency detected"),
       [](Lines l, std::size_t a, Caps& c) {
         return old_lockdep(l, a, "possible circular locking dependency detected",
                            "is trying to acquire lock", c);
       },
       nullptr, CAP0("possible deadlock in ")},
      {FIND("INFO: possible irq lock inversion dependency detected"),
       [](Lines l, std::size_t a, Caps& c) {
         return old_lockdep(l, a, "possible irq lock inversion dependency detected",
                            "just changed the state of lock", c);
       },
       nullptr, CAP0("possible deadlock in ")},
      {FIND("INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected"),
       [](Lines l, std::size_t a, Caps& c) {
         return old_lockdep(l, a, "SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected",
                            "is trying to acquire", c);
       },
       nullptr, CAP0("possible deadlock in ")},
      {FIND("INFO: possible recursive locking detected"),
       [](Lines l, std::size_t a, Caps& c) {
         return old_lockdep(l, a, "possible recursive locking detected",
                            "is trying to acquire lock", c);
       },
       nullptr, CAP0("possible deadlock in ")},
      {FIND("INFO: inconsistent lock state"),
       [](Lines l, std::size_t a, Caps& c) {
         return old_lockdep(l, a, "inconsistent lock state", "takes", c);
       },
       nullptr, CAP0("inconsistent lock state in ")},
      {rcu_stall_title, nullptr, &kRcuStall, FRAME("INFO: rcu detected stall in ")},
      {FIND("INFO: trying to register non-static key"), nullptr, &kKey,
       FRAME("INFO: trying to register non-static key in ")},
      {FIND("INFO: suspicious RCU usage"),
       [](Lines lines, std::size_t a, Caps& c) {
         SV src;
         if (find_after(lines, a, [&](SV l) { return find_src(l, 0, src); }) == lines.size())
           return false;
         c = Caps{};
         c.add(src);
         return true;
       },
       &kRcu, FRAME("INFO: suspicious RCU usage in ")},
      {hung_title, nullptr, &kHung, FRAME("INFO: task hung in ")},
      {cant_die_title, nullptr, &kCantDie, FRAME("INFO: task can't die in ")},
      {[](SV l, Caps& c) {
         for (SV k : {SV("Freed"), SV("Allocated")}) {
           std::size_t p = at(l, cat("INFO: ", k, " in "));
           if (p == npos) continue;
           c.add(k);
           c.add(l.substr(p + 6 + k.size() + 4));
           return p;
         }
         return npos;
       },
       nullptr, nullptr,
       [](const Caps& c, const Frames&) {
         return cat("INFO: ", c.v[0], " in ") + std::string(c.v[1]);
       },
       true},
      {[](SV l, Caps&) {
         std::size_t p = at(l, "INFO:");
         if (p == npos) return npos;
         for (std::size_t i = p + 5; i < l.size(); ++i)
           if (l[i] != ' ' && l[i] != '\t') return npos;
         return p;
       },
       nullptr, nullptr, FIXED("INFO: corrupted"), true},
  };
  return kFormats;
}

}  // namespace hangscope::log::rules
