// "BUG: KASAN/KMSAN/KCSAN/KFENCE" formats (facts from syzkaller's pkg/report/linux.go title
// rules).
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

const SkipList kKasanSkip{"kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_"};
const SkipList kKasanFreeSkip{"slab_", "kfree", "vunmap", "vfree"};
const SkipList kUsbLeakSkip{"alloc_skb",    "usb_submit_urb",    "usb_start_wait_urb",
                            "usb_bulk_msg", "usb_interrupt_msg", "usb_control_msg"};
const SkipList kKmsanSkip{"alloc_skb", "netlink_ack", "netlink_rcv_skb", "_encrypt$",
                          "^crypto_",  "^cipher_",    "^drbg_",          "^rng_"};
const SkipList kCommonSkip{};

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

std::span<const TitleFormat> sanitizer_formats() {
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
  };
  return kFormats;
}

}  // namespace hangscope::log::rules
