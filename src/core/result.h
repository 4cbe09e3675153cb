// Result<T>: a value or an error message, used for every fallible call in the core.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hangscope {

/// An error: one human-readable line naming the input and the problem.
struct Error {
  std::string message;
  int sys_errno = 0;  ///< errno of the failed system or libbpf call, 0 when there was none
};

/// Either a T or an Error. Access the value only after checking ok().
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  /// True when a value is present.
  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  /// The value; undefined behaviour when !ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  /// The error; undefined behaviour when ok().
  const Error& error() const { return std::get<Error>(data_); }

 private:
  std::variant<T, Error> data_;
};

/// Result of an operation that returns nothing on success.
struct Unit {};
using Status = Result<Unit>;

/// Builds an Error from a message.
inline Error make_error(std::string message) { return Error{std::move(message)}; }

/// Builds an Error from a message and the errno of the call that failed (callers test
/// sys_errno, never the message text).
inline Error make_errno_error(std::string message, int sys_errno) {
  return Error{std::move(message), sys_errno};
}

}  // namespace hangscope
