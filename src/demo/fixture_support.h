// What every hang fixture shares: a step log for the demo, and cleanup that keeps going.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace hangscope::demo {

/// Receives one short line per step ("sync pid 12 blocked in super_lock"); may be empty.
using StepLog = std::function<void(const std::string&)>;

/// Collects the failures of a multi-step cleanup, which runs every step regardless.
class CleanupErrors {
 public:
  void add(const Status& s) {
    if (s.ok()) return;
    if (!text_.empty()) text_ += "; ";
    text_ += s.error().message;
  }
  /// Success, or one error joining every failure.
  Status result() const {
    if (text_.empty()) return Unit{};
    return make_error(text_);
  }

 private:
  std::string text_;
};

/// The end of every fixture's start(): the fixture when `built` succeeded, else its build error
/// after running its cleanup() (whose own failure is appended to the message).
template <typename Fixture>
Result<std::unique_ptr<Fixture>> started_or_cleaned(std::unique_ptr<Fixture> hang, Status built) {
  if (built) return hang;
  Status c = hang->cleanup();
  if (!c) return make_error(built.error().message + "; cleanup: " + c.error().message);
  return built.error();
}

}  // namespace hangscope::demo
