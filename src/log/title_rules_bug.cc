// "BUG:" formats: KASAN, KMSAN, KCSAN, KFENCE, bad accesses, lockups, leaks, ... (facts from
// syzkaller's pkg/report/linux.go title rules).
#include "log/title_rules.h"

namespace hangscope::log::rules {

namespace {

using SV = std::string_view;
constexpr auto npos = SV::npos;

// "BUG: KASAN: <type> in FUNC" on one line.
bool kasan_head(SV l, SV& type, SV& func, bool spaces) {
  std::size_t p = at(l, "BUG: KASAN: ");
  if (p == npos) return false;
  if (spaces) {
    std::size_t q = l.find(" in ", p + 12);
    if (q == npos) return false;
    type = l.substr(p + 12, q - p - 12);
    if (type.empty() || word_at(type, 0, true).size() != type.size()) return false;
  } else {
    type = word_at(l, p + 12, false);
  }
  if (type.empty() || l.substr(p + 12 + type.size(), 4) != " in ") return false;
  std::size_t i = p + 12 + type.size() + 4;
  return match_func(l, i, func);
}

int kasan_head_part(SV l, SV& f1, SV&) {
  SV type;
  return kasan_head(l, type, f1, false) ? 1 : -1;
}
int kasan_free_part(SV l, SV& f1, SV&) {
  SV type;
  if (!kasan_head(l, type, f1, true)) return -1;
  return type == "double-free or invalid-free" || type == "double-free" || type == "invalid-free"
             ? 1
             : -1;
}
int kfence_head_part(SV l, SV& f1, SV&) {
  std::size_t p = at(l, "BUG: KFENCE: ");
  if (p == npos) return -1;
  std::size_t q = l.find(" in ", p + 13);
  if (q == npos || q == p + 13) return -1;
  if (word_at(l.substr(p + 13, q - p - 13), 0, true).size() != q - p - 13) return -1;
  std::size_t i = q + 4;
  return match_func(l, i, f1) ? 1 : -1;
}
int kmsan_origin_part(SV l, SV& f1, SV&) {
  if (contains(l, "Uninit was created at:")) {
    f1 = "Uninit was created at:";
    return 1;
  }
  std::size_t p = at(l, "Local variable ");
  if (p != npos && contains(l.substr(p), " created at:")) {
    f1 = l.substr(p);
    return 1;
  }
  return -1;
}
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

const SkipList kKasanSkip{"kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_"};
const SkipList kKasanFreeSkip{"slab_", "kfree", "vunmap", "vfree"};
const SkipList kUsbLeakSkip{"alloc_skb",    "usb_submit_urb",    "usb_start_wait_urb",
                            "usb_bulk_msg", "usb_interrupt_msg", "usb_control_msg"};
const SkipList kKmsanSkip{"alloc_skb", "netlink_ack", "netlink_rcv_skb", "_encrypt$",
                          "^crypto_",  "^cipher_",    "^drbg_",          "^rng_"};
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

const StackSpec kKasanStack{
    {{StackPart::custom, kasan_head_part}, {StackPart::call_trace}, {StackPart::trace}},
    {},
    &kKasanSkip};
const StackSpec kKasanFreeStack{
    {{StackPart::custom, kasan_free_part}, {StackPart::call_trace}, {StackPart::trace}},
    {},
    &kKasanFreeSkip};
const StackSpec kUsbLeakStack{
    {{StackPart::trace}, {StackPart::custom, kmsan_origin_part}, {StackPart::trace}},
    {},
    &kUsbLeakSkip};
const StackSpec kKmsanStack{
    {{StackPart::trace}, {StackPart::custom, kmsan_origin_part}, {StackPart::trace}},
    {},
    &kKmsanSkip};
const StackSpec kKfenceStack{
    {{StackPart::custom, kfence_head_part}, {StackPart::trace}}, {}, &kCommonSkip};
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

std::size_t kasan_title(SV l, Caps&) { return at(l, "BUG: KASAN:"); }

bool kasan_report(Lines lines, std::size_t a, Caps& c) {
  SV type, func;
  if (!kasan_head(lines[a], type, func, false)) return false;
  std::size_t j = find_after(lines, a, [](SV l) {
    return contains(l, "Read of size") || contains(l, "Write of size") ||
           contains(l, "Read at addr") || contains(l, "Write at addr");
  });
  if (j == lines.size()) return false;
  c = Caps{};
  c.add(type);
  c.add(func);
  c.add(contains(lines[j], "Read of size") || contains(lines[j], "Read at addr") ? "Read"
                                                                                 : "Write");
  return true;
}

bool kasan_free_report(Lines lines, std::size_t a, Caps& c) {
  SV f1, f2;
  if (kasan_free_part(lines[a], f1, f2) < 0) return false;
  c = Caps{};
  c.add(f1);
  return true;
}

std::size_t kasan_on_address_title(SV l, Caps& c) {
  std::size_t p = at(l, "BUG: KASAN: ");
  if (p == npos) return npos;
  SV type = word_at(l, p + 12);
  if (type.empty() || l.substr(p + 12 + type.size(), 11) != " on address") return npos;
  c.add(type);
  return p;
}
bool kasan_on_address_report(Lines lines, std::size_t a, Caps& c) {
  std::size_t j = find_after(
      lines, a, [](SV l) { return contains(l, "Read of size") || contains(l, "Write of size"); });
  if (j == lines.size()) return false;
  c.add(contains(lines[j], "Read of size") ? "Read" : "Write");
  return true;
}

std::size_t kmsan_title(SV l, Caps&) { return at(l, "BUG: KMSAN:"); }
bool kmsan_report(Lines lines, std::size_t a, Caps& c) {
  SV l = lines[a];
  std::size_t p = at(l, "BUG: KMSAN: ");
  if (p == npos) return false;
  SV type = word_at(l, p + 12);
  if (type.empty() || l.substr(p + 12 + type.size(), 4) != " in ") return false;
  std::size_t i = p + 16 + type.size();
  SV func;
  if (!match_func(l, i, func)) return false;
  c = Caps{};
  c.add(type);
  c.add(func);
  return true;
}

std::size_t kfence_title(SV l, Caps& c) {
  std::size_t p = at(l, "BUG: KFENCE: ");
  if (p == npos) return npos;
  SV rest = l.substr(p + 13);
  for (SV kind : {SV("use-after-free"), SV("out-of-bounds")}) {
    if (!rest.starts_with(kind)) continue;
    SV t = rest.substr(kind.size());
    for (SV rw : {SV(" read in "), SV(" write in ")}) {
      if (!t.starts_with(rw)) continue;
      std::size_t i = rw.size();
      SV func;
      if (!match_func(t, i, func)) return npos;
      c.add(kind);
      c.add(rw.substr(1, rw.size() - 5));
      c.add(func);
      return p;
    }
  }
  return npos;
}

std::string s3(SV a, SV b, SV d) { return std::string(a) + std::string(b) + std::string(d); }

}  // namespace

#define FIND(L) [](SV l, Caps&) { return at(l, L); }
#define FRAME(P) [](const Caps&, const Frames& f) { return std::string(P) + frame0(f); }
#define FIXED(P) [](const Caps&, const Frames&) { return std::string(P); }

std::span<const TitleFormat> bug_formats() {
  static const TitleFormat kFormats[] = {
      {kasan_title, kasan_report, &kKasanStack,
       [](const Caps& c, const Frames& f) {
         return "KASAN: " + std::string(c.v[0]) + " " + std::string(c.v[2]) + " in " + frame0(f);
       }},
      {kasan_title, kasan_free_report, &kKasanFreeStack, FRAME("KASAN: invalid-free in ")},
      {kasan_on_address_title, kasan_on_address_report, nullptr,
       [](const Caps& c, const Frames&) {
         return s3("KASAN: ", c.v[0], " ") + std::string(c.v[1]);
       }},
      {[](SV l, Caps& c) {
         std::size_t p = at(l, "BUG: KASAN: ");
         if (p != npos) c.add(l.substr(p + 12));
         return p;
       },
       nullptr, nullptr, [](const Caps& c, const Frames&) { return s3("KASAN: ", c.v[0], ""); },
       true},
      {FIND("BUG: KMSAN: kernel-usb-infoleak"),
       [](Lines lines, std::size_t a, Caps& c) {
         SV func;
         if (!func_after(lines[a], "BUG: KMSAN: kernel-usb-infoleak in ", func)) return false;
         c = Caps{};
         c.add(func);
         return true;
       },
       &kUsbLeakStack, FRAME("KMSAN: kernel-usb-infoleak in ")},
      {kmsan_title, kmsan_report, &kKmsanStack,
       [](const Caps& c, const Frames& f) { return s3("KMSAN: ", c.v[0], " in ") + frame0(f); }},
      {[](SV l, Caps& c) {
         std::size_t p = at(l, "BUG: KCSAN: ");
         if (p != npos) c.add(l.substr(p + 12));
         return p;
       },
       nullptr, nullptr, [](const Caps& c, const Frames&) { return s3("KCSAN: ", c.v[0], ""); }},
      {kfence_title, nullptr, &kKfenceStack,
       [](const Caps& c, const Frames& f) {
         return s3("KFENCE: ", c.v[0], " ") + s3(c.v[1], " in ", frame0(f));
       }},
      {[](SV l, Caps& c) {
         SV func;
         if (!func_after(l, "BUG: KFENCE: invalid free in ", func)) return npos;
         c.add(func);
         return at(l, "BUG: KFENCE:");
       },
       nullptr, &kKfenceStack, FRAME("KFENCE: invalid free in ")},
      {[](SV l, Caps& c) {
         SV func;
         for (SV rw : {SV("read"), SV("write")}) {
           if (func_after(l, s3("BUG: KFENCE: invalid ", rw, " in "), func)) {
             c.add(rw);
             return at(l, "BUG: KFENCE:");
           }
         }
         return npos;
       },
       nullptr, &kKfenceStack,
       [](const Caps& c, const Frames& f) {
         return s3("KFENCE: invalid ", c.v[0], " in ") + frame0(f);
       }},
      {[](SV l, Caps&) {
         SV func;
         return func_after(l, "BUG: KFENCE: memory corruption in ", func) ? at(l, "BUG: KFENCE:")
                                                                          : npos;
       },
       nullptr, &kKfenceStack, FRAME("KFENCE: memory corruption in ")},
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
                           SV("cpu recursion"), SV("bad magic"), SV("wrong owner"), SV("wrong CPU"),
                           SV("trylock failure on UP")}) {
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
  return kFormats;
}

}  // namespace hangscope::log::rules
