// "BUG:" formats other than the sanitizers: bad accesses, lockups, lock misuse, leaks, ...
// (facts from syzkaller's pkg/report/linux.go title rules).
#include <iterator>

#include "log/title_rules.h"

namespace hangscope::log::rules {

namespace {

using SV = std::string_view;
constexpr auto npos = SV::npos;

int pc_func_part(SV l, SV& f1, SV&) { return pc_func(l, f1) ? 1 : -1; }
int page_last_allocated_part(SV l, SV&, SV&) { return contains(l, "page last allocated") ? 0 : -1; }
int leak_backtrace_part(SV l, SV&, SV&) {
  std::size_t p = at(l, "backtrace");
  if (p == npos) return -1;
  p += 9;
  if (p < l.size() && l[p] == ':') return 0;
  if (l.substr(p, 6) == " (crc ") {
    std::size_t e = l.find(')', p);
    if (e != npos && e + 1 < l.size() && l[e + 1] == ':') return 0;
  }
  return -1;
}

const SkipList kCommonSkip{};
const SkipList kSpinSkip{"spin_", "_lock", "_unlock"};
const SkipList kSchedSkip{"schedule"};
const SkipList kBadPageSkip{
    "free_page", "put_page", "get_page",  "update_page", "release_page",         "free_unref",
    "^folio",    "^_folio",  "^__folio",  "^___folio",   "truncate_inode_pages", "page_frag_free",
    "alloc",     "vmap",     "page_owner"};
const SkipList kPreemptSkip{"dump_stack", "preemption",   "preempt",
                            "debug_",     "processor_id", "this_cpu"};
const SkipList kLeakSkip{"kmemleak",      "mmap",    "kmem",          "slab",      "alloc",
                         "create_object", "idr_get", "list_lru_init", "kasprintf", "kvasprintf",
                         "pcpu_create",   "strdup",  "strndup",       "memdup"};
const SkipList kLockSockSkip{"lock_sock", "release_sock"};

const StackSpec kRipStack = rip_trace_spec(&kCommonSkip);
const StackSpec kSpinStack = call_trace_spec(&kSpinSkip);
const StackSpec kStallStack = rip_trace_spec(&kCommonSkip, FramePick::stall);
const StackSpec kSchedStack = call_trace_spec(&kSchedSkip);
const StackSpec kUnlockStack{
    {{StackPart::custom, pc_func_part}, {StackPart::call_trace}, {StackPart::trace}},
    {},
    &kCommonSkip};
const StackSpec kBadPageStack{
    {{StackPart::custom, page_last_allocated_part}, {StackPart::trace}}, {}, &kBadPageSkip};
const StackSpec kCallStack = call_trace_spec(&kCommonSkip);
const StackSpec kPreemptStack = call_trace_spec(&kPreemptSkip);
const StackSpec kLeakStack{
    {{StackPart::custom, leak_backtrace_part}, {StackPart::trace}}, {}, &kLeakSkip};
const StackSpec kWaitCtxStack = call_trace_spec(&kLockSockSkip);

std::string s3(SV a, SV b, SV d) { return std::string(a) + std::string(b) + std::string(d); }

}  // namespace

#define FIND(L) [](SV l, Caps&) { return at(l, L); }
#define FRAME(P) [](const Caps&, const Frames& f) { return std::string(P) + frame0(f); }
#define FIXED(P) [](const Caps&, const Frames&) { return std::string(P); }

std::span<const TitleFormat> bug_formats() {
  // The sanitizer formats come first, as in syzkaller's table.
  static const std::vector<TitleFormat> kAll = [] {
    std::vector<TitleFormat> all(sanitizer_formats().begin(), sanitizer_formats().end());
    static const TitleFormat kFormats[] = {
        {[](SV l, Caps&) {
           for (SV k : {SV("BUG: unable to handle kernel paging request"),
                        SV("BUG: unable to handle page fault for address"),
                        SV("BUG: Unable to handle kernel data access")})
             if (std::size_t p = at(l, k); p != npos) return p;
           return npos;
         },
         nullptr, &kRipStack, FRAME("BUG: unable to handle kernel paging request in ")},
        {[](SV l, Caps&) {
           for (SV k : {SV("BUG: unable to handle kernel NULL pointer dereference"),
                        SV("BUG: kernel NULL pointer dereference"),
                        SV("BUG: Kernel NULL pointer dereference")})
             if (std::size_t p = at(l, k); p != npos) return p;
           return npos;
         },
         nullptr, &kRipStack, FRAME("BUG: unable to handle kernel NULL pointer dereference in ")},
        {[](SV l, Caps&) {
           std::size_t p = at(l, "BUG: unable to handle kernel");
           return p != npos ? p : at(l, "BUG: Unable to handle kernel");
         },
         nullptr, nullptr, FIXED("BUG: unable to handle kernel"), true},
        {[](SV l, Caps& c) {
           for (SV lock : {SV("spinlock"), SV("rwlock")}) {
             std::size_t p = at(l, s3("BUG: ", lock, " "));
             if (p == npos) continue;
             SV rest = l.substr(p + 6 + lock.size());
             for (SV what : {SV("lockup suspected"), SV("already unlocked"), SV("recursion"),
                             SV("cpu recursion"), SV("bad magic"), SV("wrong owner"),
                             SV("wrong CPU"), SV("trylock failure on UP")}) {
               if (rest.starts_with(what)) {
                 c.add(lock);
                 c.add(what);
                 return p;
               }
             }
           }
           return npos;
         },
         nullptr, &kSpinStack,
         [](const Caps& c, const Frames& f) {
           return s3("BUG: ", c.v[0], " ") + s3(c.v[1], " in ", frame0(f));
         }},
        {FIND("BUG: soft lockup"), nullptr, &kStallStack, FRAME("BUG: soft lockup in ")},
        {[](SV l, Caps&) {
           std::size_t p = at(l, "BUG: ");
           return p != npos && contains(l.substr(p), "still has locks held!") ? p : npos;
         },
         [](Lines lines, std::size_t a, Caps& c) {
           SV func;
           std::size_t j = find_after(lines, a, [&](SV l) { return pc_func(l, func); });
           if (j == lines.size()) return false;
           c = Caps{};
           c.add(func);
           return true;
         },
         nullptr,
         [](const Caps& c, const Frames&) {
           return s3("BUG: still has locks held in ", c.v[0], "");
         }},
        {FIND("BUG: scheduling while atomic"), nullptr, &kSchedStack,
         FRAME("BUG: scheduling while atomic in ")},
        {FIND("BUG: lock held when returning to user space"),
         [](Lines lines, std::size_t a, Caps& c) {
           std::size_t j = find_after(lines, a, [](SV l) {
             return contains(l, "leaving the kernel with locks still held");
           });
           SV func;
           std::size_t k = find_after(lines, j, [&](SV l) { return at_func(l, func); });
           if (j == lines.size() || k == lines.size()) return false;
           c = Caps{};
           c.add(func);
           return true;
         },
         nullptr,
         [](const Caps& c, const Frames&) {
           return s3("BUG: lock held when returning to user space in ", c.v[0], "");
         }},
        {FIND("BUG: bad unlock balance detected!"), nullptr, &kUnlockStack,
         FRAME("BUG: bad unlock balance in ")},
        {FIND("BUG: held lock freed!"),
         [](Lines lines, std::size_t a, Caps& c) {
           SV func;
           std::size_t j = find_after(lines, a, [&](SV l) { return pc_func(l, func); });
           if (j == lines.size()) return false;
           c = Caps{};
           c.add(func);
           return true;
         },
         nullptr,
         [](const Caps& c, const Frames&) { return s3("BUG: held lock freed in ", c.v[0], ""); }},
        {FIND("BUG: Bad rss-counter state"), nullptr, nullptr, FIXED("BUG: Bad rss-counter state")},
        {FIND("BUG: non-zero nr_ptes on freeing mm"), nullptr, nullptr,
         FIXED("BUG: non-zero nr_ptes on freeing mm")},
        {FIND("BUG: non-zero nr_pmds on freeing mm"), nullptr, nullptr,
         FIXED("BUG: non-zero nr_pmds on freeing mm")},
        {[](SV l, Caps&) {
           std::size_t p = at(l, "BUG: Dentry ");
           return p != npos && contains(l.substr(p), " still in use") ? p : npos;
         },
         [](Lines lines, std::size_t a, Caps&) { return contains(lines[a], "[unmount of "); },
         nullptr, FIXED("BUG: Dentry still in use in unmount")},
        {[](SV l, Caps& c) {
           std::size_t p = at(l, "BUG: Bad page state");
           if (p != npos) return c.add("state"), p;
           p = at(l, "BUG: Bad page cache");
           if (p != npos) c.add("cache");
           return p;
         },
         nullptr, &kBadPageStack,
         [](const Caps& c, const Frames& f) {
           return s3("BUG: Bad page ", c.v[0], " in ") + frame0(f);
         }},
        {FIND("BUG: Bad page map"), nullptr, nullptr, FIXED("BUG: Bad page map")},
        {FIND("BUG: workqueue lockup"), nullptr, nullptr, FIXED("BUG: workqueue lockup")},
        {FIND("BUG: sleeping function called from invalid context at "), nullptr, &kCallStack,
         FRAME("BUG: sleeping function called from invalid context in ")},
        {[](SV l, Caps& c) {
           std::size_t p = at(l, "BUG: using ");
           if (p == npos) return npos;
           std::size_t i = p + 11, b = i;
           while (i < l.size() && ((l[i] >= 'a' && l[i] <= 'z') || l[i] == '_')) ++i;
           if (i == b || l.substr(i, 17) != "() in preemptible") return npos;
           c.add(l.substr(b, i - b));
           return p;
         },
         nullptr, &kPreemptStack,
         [](const Caps& c, const Frames& f) {
           return s3("BUG: using ", c.v[0], "() in preemptible code in ") + frame0(f);
         }},
        {FIND("BUG: workqueue leaked lock or atomic"),
         [](Lines lines, std::size_t a, Caps& c) {
           for (std::size_t i = a + 1; i < lines.size(); ++i) {
             std::size_t p = at(lines[i], "last function: ");
             if (p == npos) continue;
             std::size_t b = p + 15, e = b;
             while (e < lines[i].size() && is_ident_char(lines[i][e])) ++e;
             if (e == b || e != lines[i].size()) continue;
             c = Caps{};
             c.add(lines[i].substr(b, e - b));
             return true;
           }
           return false;
         },
         nullptr,
         [](const Caps& c, const Frames&) {
           return s3("BUG: workqueue leaked lock or atomic in ", c.v[0], "");
         }},
        {FIND("BUG: memory leak"), nullptr, &kLeakStack, FRAME("memory leak in ")},
        {[](SV l, Caps&) {
           std::size_t p = at(l, "BUG: ");
           return p != npos && contains(l.substr(p), "stack guard page was hit at") ? p : npos;
         },
         nullptr, &kStallStack, FRAME("BUG: stack guard page was hit in ")},
        {FIND("BUG: Invalid wait context"), nullptr, &kWaitCtxStack,
         FRAME("WARNING: locking bug in ")},
        {[](SV l, Caps&) {
           std::size_t p = at(l, "BUG:");
           if (p == npos) return npos;
           for (std::size_t i = p + 4; i < l.size(); ++i)
             if (l[i] != ' ' && l[i] != '\t') return npos;
           return p;
         },
         nullptr, nullptr, FIXED("BUG: corrupted"), true},
    };
    all.insert(all.end(), std::begin(kFormats), std::end(kFormats));
    return all;
  }();
  return kAll;
}

}  // namespace hangscope::log::rules
