// The kernel's taint mask: one representation (a bit mask of TAINT_* bits) for what
// /proc/sys/kernel/tainted prints as a number and an Oops header prints as letters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hangscope::kernel {

/// Bit numbers of the taint mask (include/linux/panic.h TAINT_*; letters in kernel/panic.c
/// taint_flags, the same since 6.12 added TAINT_FWCTL).
enum class Taint : unsigned {
  proprietary_module = 0,  // P (G when clear)
  forced_module = 1,       // F
  cpu_out_of_spec = 2,     // S
  forced_rmmod = 3,        // R
  machine_check = 4,       // M
  bad_page = 5,            // B
  user = 6,                // U
  die = 7,                 // D: a task was killed by an Oops (die())
  overridden_acpi_table = 8,
  warn = 9,  // W
  crap = 10,
  firmware_workaround = 11,
  oot_module = 12,  // O
  unsigned_module = 13,
  soft_lockup = 14,
  livepatch = 15,
  aux = 16,
  randstruct = 17,
  test = 18,
  fwctl = 19,
};

/// The mask bit of `t`.
constexpr std::uint64_t taint_bit(Taint t) { return std::uint64_t{1} << static_cast<unsigned>(t); }

/// True when `mask` has `t` set.
constexpr bool has_taint(std::uint64_t mask, Taint t) { return (mask & taint_bit(t)) != 0; }

/// The mask in /proc/sys/kernel/tainted's text (a decimal number, whitespace around it allowed);
/// nullopt when the text is not such a number.
std::optional<std::uint64_t> taint_mask_from_proc(std::string_view text);

/// The mask for the flag letters of an Oops header ("G      D W" or compacted "G D W"): each
/// letter sets its bit; 'G' (no proprietary module), spaces and letters the table does not
/// know set nothing.
std::uint64_t taint_mask_from_letters(std::string_view letters);

/// The letters of the set bits in bit order ("DO" for D and O); a bit without a letter shows as
/// "?<bit>". Empty for 0 (untainted).
std::string taint_letters(std::uint64_t mask);

}  // namespace hangscope::kernel
