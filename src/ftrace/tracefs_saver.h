// Saving and restoring the tracefs control files `ftrace record` changes in an instance it does
// not own (the top-level one, on kernels that run function_graph only there).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace hangscope::ftrace {

/// How a control file's text is written back.
enum class ControlKind {
  kScalar,      ///< one value: current_tracer, tracing_on, options/*
  kList,        ///< whitespace-separated entries, '#' lines ignored: set_graph_function, ...
  kBufferSize,  ///< buffer_size_kb: "N", "N (expanded: M)" or "X" (per-CPU sizes differ)
};

/// The kind of a control file by its name relative to the instance directory.
ControlKind control_kind(const std::string& file);

/// The value to write back for `text` as read from a control file of `kind`: "nop" from
/// "nop\n", "" from "no pid" or "#### all functions enabled ####", the allocated size "7" from
/// "7 (expanded: 1408)", entries joined by '\n' with " [module]" suffixes dropped. Empty with
/// `per_cpu` set for buffer_size_kb "X".
std::string restorable_value(ControlKind kind, const std::string& text, bool* per_cpu = nullptr);

/// Saves control files of one tracefs instance directory before they are changed, and writes
/// them back on restore() or destruction (every exit path, including errors and Ctrl-C, as long
/// as the process is not SIGKILLed). Restore order: tracing off, tracer nop, the other files,
/// buffer cleared, then the saved tracer and tracing_on.
class TracefsSaver {
 public:
  explicit TracefsSaver(std::string dir) : dir_(std::move(dir)) {}
  TracefsSaver(const TracefsSaver&) = delete;
  TracefsSaver& operator=(const TracefsSaver&) = delete;
  /// Restores unless restore() ran; failures go to stderr (one line each).
  ~TracefsSaver();

  /// Saves `file` (relative to the directory) unless saved already. Error: unreadable (the path
  /// and errno); nothing is saved then.
  Status save(const std::string& file);
  /// Writes every saved file back; clears the trace buffer when `clear_trace`. Returns one line
  /// per file that could not be restored (with the value to write back by hand); empty on
  /// success. Later calls do nothing.
  std::vector<std::string> restore(bool clear_trace = true);
  /// The saved value of `file` as it will be written back ("" when not saved).
  std::string saved(const std::string& file) const;
  const std::string& dir() const { return dir_; }

 private:
  struct Saved {
    std::string file, value;
    std::vector<std::pair<std::string, std::string>> per_cpu;  ///< buffer_size_kb "X"
  };
  std::string dir_;
  std::vector<Saved> saved_;
  bool restored_ = false;
};

}  // namespace hangscope::ftrace
