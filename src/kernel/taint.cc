#include "kernel/taint.h"

#include <charconv>

namespace hangscope::kernel {

namespace {

// One letter per bit, bit 0 first (kernel/panic.c taint_flags, c_true).
constexpr std::string_view kLetters = "PFSRMBUDAWCIOELKXTNJ";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::optional<std::uint64_t> taint_mask_from_proc(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end && is_space(*p)) ++p;
  std::uint64_t mask = 0;
  auto [stop, ec] = std::from_chars(p, end, mask);
  if (ec != std::errc()) return std::nullopt;
  for (; stop < end; ++stop)
    if (!is_space(*stop)) return std::nullopt;
  return mask;
}

std::uint64_t taint_mask_from_letters(std::string_view letters) {
  std::uint64_t mask = 0;
  for (char c : letters) {
    std::size_t bit = kLetters.find(c);
    if (c != ' ' && bit != std::string_view::npos) mask |= std::uint64_t{1} << bit;
  }
  return mask;
}

std::string taint_letters(std::uint64_t mask) {
  std::string out;
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!(mask & (std::uint64_t{1} << bit))) continue;
    if (bit < kLetters.size())
      out.push_back(kLetters[bit]);
    else
      out += "?" + std::to_string(bit);
  }
  return out;
}

}  // namespace hangscope::kernel
