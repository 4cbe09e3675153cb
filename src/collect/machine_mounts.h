// The mount table that names filesystems in reports: the machine's (pid 1's) when hangscope runs
// in a mount namespace of its own (a Kubernetes pod with hostPID, a systemd service with
// PrivateTmp), where its own table shows container paths; else its own table.
#pragma once

#include <string>
#include <vector>

#include "collect/mountinfo.h"
#include "core/result.h"

namespace hangscope::collect {

struct MachineMounts {
  std::vector<MountEntry> mounts;
  bool from_init = false;  ///< read from pid 1's mountinfo (another mount namespace)
};

/// `proc` is the procfs root ("/proc"; tests pass a directory laid out like it). Reads
/// PROC/1/mountinfo when PROC/self/ns/mnt and PROC/1/ns/mnt both resolve and differ and that
/// file reads; else PROC/self/mountinfo. Fails (naming the file) when that cannot be read.
/// Reads nothing under any mount.
Result<MachineMounts> read_machine_mounts(const std::string& proc = "/proc");

}  // namespace hangscope::collect
