// Small hand-written matchers for kernel report text (no regex engine on the hot path):
// function names, "[<ffffffff81000000>]" PCs, "file.c:123" sources, stack frame lines, RIP lines.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hangscope::log {

/// True for [A-Za-z0-9_].
inline bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
inline bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
inline bool is_dec_digit(char c) { return c >= '0' && c <= '9'; }
inline bool contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

/// A function name at `pos` followed by '.' or '+' (syzkaller's {{FUNC}}); advances `pos` past
/// the name (not the delimiter). Returns false (pos unchanged) otherwise.
bool match_func(std::string_view s, std::size_t& pos, std::string_view& name);

/// "[<ffffffff81000000>]", "[<0x1234>]" or "[ffff]" at `pos` (syzkaller's {{PC}}).
bool match_pc(std::string_view s, std::size_t& pos);

/// The first "path/file.ext:123" source reference in `s` at or after `from` (syzkaller's
/// {{SRC}}); sets `at` to its offset.
bool find_src(std::string_view s, std::size_t from, std::string_view& src,
              std::size_t* at = nullptr);

/// Stack frame line as syzkaller reads it: "^ *(PC ){0,2}FUNC" or the ARM form
/// "[<pc>] (caller) from [<pc>] (callee+0x..)". Returns 0, 1 or 2 function names.
int match_frame_line(std::string_view line, std::string_view& f1, std::string_view& f2);

/// syzkaller's RIP-line matcher ("RIP: 0010:func+0x..", "IP: [<..>] func+..", "pc : func+..",
/// "PC is at func+.."). Returns 0 for no match, 1 for a match without a function (user-space
/// or NULL pc), 2 with `func` set.
int match_rip_line(std::string_view line, std::string_view& func);

/// True for lines that start a stack trace ("Call Trace:", "Allocated by task 1:", "Freed:",
/// " backtrace:" but not "stack backtrace:", "Uninit was stored to memory at", ...).
bool is_stack_start(std::string_view line);

/// "Call Trace:" / "Call trace:" / "Backtrace:".
bool is_call_trace_line(std::string_view line);

/// A function-name filter in a tiny pattern language: "x" (substring), "^x" (prefix), "x$"
/// (suffix), "^x$" (exact). The common patterns' results are memoised per name in one memo
/// shared by every list, each list's full results in its own (bounded; not thread-safe).
class SkipList {
 public:
  /// `extra` patterns (string literals) plus, when `with_common`, common_skip_patterns().
  explicit SkipList(std::initializer_list<std::string_view> extra, bool with_common = true);
  /// True when `func` matches any pattern.
  bool skips(std::string_view func) const;

  /// Patterns of one kind each, matched without a cache.
  struct Patterns {
    std::vector<std::string_view> substr, prefix, suffix, exact;
    void add(std::string_view pattern);
    std::size_t size() const {
      return substr.size() + prefix.size() + suffix.size() + exact.size();
    }
    bool matches(std::string_view func) const;

   private:
    // Substring patterns of 4+ bytes by their first four bytes (sorted), with a 4096-bit
    // filter of those heads: one probe per position of the name instead of one search per
    // pattern. Shorter substring patterns are searched one by one.
    std::vector<std::pair<std::uint32_t, std::string_view>> heads_;
    std::vector<std::string_view> short_substr_;
    std::uint64_t head_bits_[64] = {};
  };
  /// A direct-mapped memo of name -> result (bounded: `slots` names; allocated on first use).
  class Memo {
   public:
    explicit Memo(std::size_t slots) : slots_(slots) {}
    /// The memoised result of `compute(func)`.
    template <typename F>
    bool get(std::string_view func, F compute);

   private:
    struct Slot {
      std::uint64_t hash = 0;
      std::string name;
      bool used = false;
      bool result = false;
    };
    std::size_t slots_;  // a power of two
    std::vector<Slot> table_;
  };

 private:
  bool with_common_;
  Patterns own_;
  mutable Memo memo_{1024};
};

template <typename F>
bool SkipList::Memo::get(std::string_view f, F compute) {
  // FNV-1a: function names are short, and the slot index needs no division.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : f) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  if (table_.empty()) table_.resize(slots_);
  Slot& slot = table_[(h >> 32) & (slots_ - 1)];
  if (slot.used && slot.hash == h && slot.name == f) return slot.result;
  slot.used = true;
  slot.hash = h;
  slot.name.assign(f);
  slot.result = compute(f);
  return slot.result;
}

/// The common skip patterns (syzkaller's stackParams.skipPatterns, expanded to simple forms).
std::span<const std::string_view> common_skip_patterns();

/// Strips syscall-wrapper prefixes ("__x64_sys_", "SyS_", "ksys_", ...) the way syzkaller does
/// (the shortest result wins).
std::string_view strip_syscall_prefix(std::string_view frame);

}  // namespace hangscope::log
