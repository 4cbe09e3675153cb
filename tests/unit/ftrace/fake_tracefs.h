// A temporary directory laid out like tracefs (top level, options/, per_cpu/, instances/), for
// the file logic of `ftrace record`. mkdir in instances/ makes a plain directory with no
// available_tracers, like a kernel whose instances cannot be asked.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "ftrace_test_util.h"

namespace hangscope::ftrace::testing {

class FakeTracefs {
 public:
  FakeTracefs() {
    char tmpl[] = "/tmp/hangscope-fake-tracefs-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    std::filesystem::create_directories(root_ + "/options");
    std::filesystem::create_directories(root_ + "/instances");
    std::filesystem::create_directories(root_ + "/per_cpu/cpu0");
    std::filesystem::create_directories(root_ + "/per_cpu/cpu1");
    for (const auto& [f, v] : initial()) put(f, v);
  }
  ~FakeTracefs() { std::filesystem::remove_all(root_); }

  /// The files and their contents as a 6.1 kernel shows them on an idle system.
  static std::map<std::string, std::string> initial() {
    return {{"available_tracers", "function_graph function nop\n"},
            {"current_tracer", "nop\n"},
            {"tracing_on", "1\n"},
            {"set_ftrace_pid", "no pid\n"},
            {"set_graph_function", "#### all functions enabled ####\n"},
            {"set_ftrace_filter", "#### all functions enabled ####\n"},
            {"set_ftrace_notrace", ""},
            {"set_graph_notrace", ""},
            {"set_event", ""},
            {"buffer_size_kb", "7 (expanded: 1408)\n"},
            {"per_cpu/cpu0/buffer_size_kb", "7 (expanded: 1408)\n"},
            {"per_cpu/cpu1/buffer_size_kb", "7 (expanded: 1408)\n"},
            {"trace", "# tracer: nop\nold contents\n"},
            {"trace_pipe", ""},
            {"options/funcgraph-proc", "0\n"},
            {"options/funcgraph-abstime", "0\n"},
            {"options/funcgraph-tail", "0\n"},
            {"options/function-fork", "0\n"}};
  }

  void put(const std::string& file, const std::string& value) {
    std::ofstream(root_ + "/" + file, std::ios::trunc) << value;
  }
  std::string get(const std::string& file) const { return read_all(root_ + "/" + file); }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace hangscope::ftrace::testing
