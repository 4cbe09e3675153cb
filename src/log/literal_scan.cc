#include "log/literal_scan.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HANGSCOPE_TEDDY_X86 1
#endif

namespace hangscope::log {

namespace {
constexpr std::size_t kFinger = 4;  // fingerprint bytes per literal
}  // namespace

LiteralScanner::LiteralScanner(std::span<const std::string_view> literals, Isa isa) {
  // Greedy bucketing: each distinct fingerprint goes to the bucket whose chance of matching
  // ordinary text grows least. That chance is the product over the four bytes of the weight
  // of the bytes the bucket's nibble sets accept (lower-case letters and spaces weigh most).
  auto usable = [](std::string_view l) {
    if (l.size() < kFinger) return false;
    for (std::size_t k = 0; k < kFinger; ++k)
      if (static_cast<unsigned char>(l[k]) < 0x10) return false;
    return true;
  };
  std::vector<std::string_view> fingers;
  for (std::string_view l : literals)
    if (usable(l)) fingers.push_back(l.substr(0, kFinger));
  std::sort(fingers.begin(), fingers.end());
  fingers.erase(std::unique(fingers.begin(), fingers.end()), fingers.end());
  std::uint16_t lo_set[8][kFinger] = {}, hi_set[8][kFinger] = {};
  // Rough weight of a byte in log text: how often an ordinary byte would hit.
  auto weight = [](int b) -> double {
    if (b >= 'a' && b <= 'z') return 8;
    if (b == ' ') return 10;
    if (b >= '0' && b <= '9') return 3;
    if (b >= 'A' && b <= 'Z') return 2;
    if (b > 0x20 && b < 0x7f) return 1;
    return 0;
  };
  auto cost = [&](int b, std::string_view f) {
    double c = 1;
    for (std::size_t k = 0; k < kFinger; ++k) {
      auto ch = static_cast<unsigned char>(f.empty() ? 0 : f[k]);
      std::uint16_t lo = lo_set[b][k] | (f.empty() ? 0 : 1u << (ch & 15));
      std::uint16_t hi = hi_set[b][k] | (f.empty() ? 0 : 1u << (ch >> 4));
      double w = 0;
      for (int v = 0; v < 256; ++v)
        if ((lo >> (v & 15) & 1) && (hi >> (v >> 4) & 1)) w += weight(v);
      c *= w;
    }
    return c;
  };
  for (std::string_view f : fingers) {
    int best = 0;
    double best_growth = 0;
    for (int b = 0; b < 8; ++b) {
      double growth = cost(b, f) - cost(b, {});
      if (b == 0 || growth < best_growth) {
        best = b;
        best_growth = growth;
      }
    }
    for (std::size_t k = 0; k < kFinger; ++k) {
      auto c = static_cast<unsigned char>(f[k]);
      lo_set[best][k] |= static_cast<std::uint16_t>(1u << (c & 15));
      hi_set[best][k] |= static_cast<std::uint16_t>(1u << (c >> 4));
      lo_[k][c & 15] |= static_cast<std::uint8_t>(1u << best);
      hi_[k][c >> 4] |= static_cast<std::uint8_t>(1u << best);
    }
  }
#ifdef HANGSCOPE_TEDDY_X86
  __builtin_cpu_init();  // needed when constructed before main (a static initialiser)
  simd_ = isa != Isa::scalar && __builtin_cpu_supports("ssse3");
  avx2_ = (isa == Isa::avx2 || isa == Isa::best) && __builtin_cpu_supports("avx2");
#endif
}

std::size_t LiteralScanner::find(std::string_view s, std::size_t from) const {
  if (s.size() < kFinger || from > s.size() - kFinger) return npos;
  if (avx2_) return find_avx2(s, from);
  return simd_ ? find_simd(s, from) : find_scalar(s, from);
}

std::size_t LiteralScanner::find_scalar(std::string_view s, std::size_t from) const {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = from; i + kFinger <= s.size(); ++i) {
    std::uint8_t m = 0xff;
    for (std::size_t k = 0; k < kFinger && m; ++k)
      m &= lo_[k][p[i + k] & 15] & hi_[k][p[i + k] >> 4];
    if (m) return i;
  }
  return npos;
}

#ifdef HANGSCOPE_TEDDY_X86
namespace {

// Bitmask of the 16 positions at `p` whose four fingerprint bytes (p[j..j+3]) match.
__attribute__((target("ssse3"))) inline unsigned block_hits(const std::uint8_t (*lo)[16],
                                                            const std::uint8_t (*hi)[16],
                                                            const char* p) {
  const __m128i nib = _mm_set1_epi8(0x0f);
  __m128i r = _mm_set1_epi8(static_cast<char>(0xff));
  for (std::size_t k = 0; k < kFinger; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k));
    __m128i l = _mm_and_si128(v, nib);
    __m128i h = _mm_and_si128(_mm_srli_epi16(v, 4), nib);
    __m128i tl = _mm_load_si128(reinterpret_cast<const __m128i*>(lo[k]));
    __m128i th = _mm_load_si128(reinterpret_cast<const __m128i*>(hi[k]));
    r = _mm_and_si128(r, _mm_and_si128(_mm_shuffle_epi8(tl, l), _mm_shuffle_epi8(th, h)));
  }
  unsigned zero = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(r, _mm_setzero_si128())));
  return ~zero & 0xffffu;
}

// The same for 32 positions (AVX2: the nibble tables repeated in both 128-bit lanes).
__attribute__((target("avx2"))) inline unsigned block_hits32(const std::uint8_t (*lo)[16],
                                                             const std::uint8_t (*hi)[16],
                                                             const char* p) {
  const __m256i nib = _mm256_set1_epi8(0x0f);
  __m256i r = _mm256_set1_epi8(static_cast<char>(0xff));
  for (std::size_t k = 0; k < kFinger; ++k) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k));
    __m256i l = _mm256_and_si256(v, nib);
    __m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
    __m256i tl =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(lo[k])));
    __m256i th =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(hi[k])));
    r = _mm256_and_si256(r,
                         _mm256_and_si256(_mm256_shuffle_epi8(tl, l), _mm256_shuffle_epi8(th, h)));
  }
  return ~static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(r, _mm256_setzero_si256())));
}

}  // namespace

__attribute__((target("avx2"))) std::size_t LiteralScanner::find_avx2(std::string_view s,
                                                                      std::size_t from) const {
  const char* p = s.data();
  const std::size_t n = s.size();
  constexpr std::size_t kSpan = 32 + kFinger - 1;  // bytes one block reads
  if (n < kSpan) return find_simd(s, from);
  std::size_t i = from;
  for (; i + kSpan <= n; i += 32) {
    if (unsigned m = block_hits32(lo_, hi_, p + i))
      return i + static_cast<unsigned>(__builtin_ctz(m));
  }
  if (i + kFinger > n) return npos;
  // The tail: one more block ending at the text's end, positions before `i` masked off.
  std::size_t j = n - kSpan;
  unsigned m = block_hits32(lo_, hi_, p + j) & (~0u << (i - j));
  return m ? j + static_cast<unsigned>(__builtin_ctz(m)) : npos;
}

__attribute__((target("ssse3"))) std::size_t LiteralScanner::find_simd(std::string_view s,
                                                                       std::size_t from) const {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::size_t i = from;
  // Whole blocks: the loads reach p[i + 15 + kFinger - 1].
  for (; i + 16 + kFinger - 1 <= n; i += 16) {
    if (unsigned m = block_hits(lo_, hi_, p + i))
      return i + static_cast<unsigned>(__builtin_ctz(m));
  }
  if (i + kFinger > n) return npos;
  if (n >= 16 + kFinger - 1) {
    // The tail: one more block ending at the text's end, positions before `i` masked off
    // (they were checked already).
    std::size_t j = n - (16 + kFinger - 1);
    unsigned m = block_hits(lo_, hi_, p + j) & (0xffffu << (i - j));
    return m ? j + static_cast<unsigned>(__builtin_ctz(m)) : npos;
  }
  // A short text, zero-padded: a zero byte matches no literal byte (literals are printable),
  // so positions whose fingerprint would leave the text never hit.
  alignas(16) char tail[16 + kFinger] = {};
  std::memcpy(tail, p + i, n - i);
  if (unsigned m = block_hits(lo_, hi_, tail)) return i + static_cast<unsigned>(__builtin_ctz(m));
  return npos;
}
#else
std::size_t LiteralScanner::find_simd(std::string_view s, std::size_t from) const {
  return find_scalar(s, from);
}
std::size_t LiteralScanner::find_avx2(std::string_view s, std::size_t from) const {
  return find_scalar(s, from);
}
#endif

}  // namespace hangscope::log
