// What every hang fixture shares: a step log for the demo, and cleanup that keeps going.
#pragma once

#include <functional>
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

}  // namespace hangscope::demo
