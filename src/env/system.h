// The system as env collect sees it: files, directories, child programs, CPUID. Behind an
// interface so the probes run on fixture trees in tests (ninja's DiskInterface idea).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "env/run_bounded.h"

namespace hangscope::env {

/// Everything env collect reads from the machine. Implementations never block unboundedly on
/// child programs; file reads are plain reads of /proc, /sys and a few small files under /etc.
class System {
 public:
  virtual ~System() = default;
  /// The whole file (at most 64 MiB). Error: "PATH: <strerror>".
  virtual Result<std::string> read_file(const std::string& path) = 0;
  /// True when `path` exists (access(F_OK); only used for marker files like /.dockerenv).
  virtual bool exists(const std::string& path) = 0;
  /// Entry names of a directory, without "." and "..", sorted. Error: "PATH: <strerror>".
  virtual Result<std::vector<std::string>> list_dir(const std::string& path) = 0;
  /// run_bounded() on the real system.
  virtual Result<ProcessOutput> run(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout) = 0;
  /// uname(2) machine ("x86_64"); empty when unknown.
  virtual std::string machine() = 0;
  /// The CPUID 0x40000000 hypervisor vendor signature; empty off x86 or without one.
  virtual std::string cpuid_hypervisor() = 0;
  /// An environment variable of this process; empty when unset.
  virtual std::string getenv(const std::string& name) = 0;
};

/// The running machine.
std::unique_ptr<System> make_real_system();

}  // namespace hangscope::env
