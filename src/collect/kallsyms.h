// Kernel symbolization from /proc/kallsyms text (function symbols only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "model/snapshot.h"

namespace hangscope::collect {

/// Sorted function symbols; lookups are O(log n).
class Kallsyms {
 public:
  /// Parses kallsyms text ("ffffffff81000000 T _stext [module]"). Lines that do not parse are
  /// skipped. All-zero addresses (kptr_restrict) make the table empty().
  static Kallsyms parse(std::string_view text);
  /// Reads /proc/kallsyms (~40 ms: the kernel generates it on every read). Fails when unreadable.
  static Result<Kallsyms> load();

  bool empty() const { return syms_.empty(); }
  size_t size() const { return syms_.size(); }
  /// The frame for `addr`: symbol+offset, module; symbol "" when out of range.
  model::StackFrame symbolize(std::uint64_t addr) const;

 private:
  struct Sym {
    std::uint64_t addr;
    std::string name;
    std::string module;
  };
  std::vector<Sym> syms_;
};

}  // namespace hangscope::collect
