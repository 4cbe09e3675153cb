// LiteralScanner: a fast prefilter for "does this text hold one of a fixed set of literals".
// A Teddy-style SIMD fingerprint (the first four bytes of every literal, split into nibble
// tables of eight buckets) tests 16 positions per step; a hit is only a candidate and must be
// verified by the caller. Used to keep the per-byte header search off ordinary log lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace hangscope::log {

class LiteralScanner {
 public:
  /// The widest instruction set used (tests force each one; `best` = what the CPU has).
  enum class Isa { scalar, ssse3, avx2, best };

  /// Builds the tables for `literals`. Literals shorter than 4 bytes or with a byte below 0x10
  /// in their first four are ignored (never found). The literals' storage is not kept.
  explicit LiteralScanner(std::span<const std::string_view> literals, Isa isa = Isa::best);

  /// The first position p >= `from` in `s` where some literal may start (its first four
  /// bytes fit in `s` at p and match the fingerprint), or npos. Never misses a position where
  /// a literal's first four bytes occur; may return positions where none does.
  std::size_t find(std::string_view s, std::size_t from) const;

  static constexpr std::size_t npos = std::string_view::npos;

 private:
  std::size_t find_scalar(std::string_view s, std::size_t from) const;
  std::size_t find_simd(std::string_view s, std::size_t from) const;  // SSSE3, 16 per step
  std::size_t find_avx2(std::string_view s, std::size_t from) const;  // AVX2, 32 per step

  // lo_[k][n]: buckets whose literals have low nibble n at byte k; hi_ likewise.
  alignas(16) std::uint8_t lo_[4][16] = {};
  alignas(16) std::uint8_t hi_[4][16] = {};
  bool simd_ = false;
  bool avx2_ = false;
};

}  // namespace hangscope::log
