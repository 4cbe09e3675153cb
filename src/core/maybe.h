// Maybe<T>: a value that may be unknown, carrying the reason it is unknown.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace hangscope {

/// A field that is either known or unknown-with-a-reason ("no BTF", "not root").
/// Unknown is never shown as zero: reporters print the reason instead.
template <typename T>
struct Maybe {
  std::optional<T> value;
  std::string why_unknown = "not collected";

  Maybe() = default;
  Maybe(T v) : value(std::move(v)), why_unknown() {}  // NOLINT(google-explicit-constructor)

  /// An unknown value with its reason.
  static Maybe unknown(std::string why) {
    Maybe m;
    m.why_unknown = std::move(why);
    return m;
  }
  bool known() const { return value.has_value(); }
  const T& operator*() const { return *value; }
  const T* operator->() const { return &*value; }
  /// The value, or `fallback` when unknown.
  T value_or(T fallback) const { return value ? *value : std::move(fallback); }
  bool operator==(const Maybe&) const = default;
};

}  // namespace hangscope
