// The FUSE control filesystem (fusectl): the abort knob that releases every waiter of a connection.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace hangscope::demo {

/// Where fusectl is (or gets) mounted.
inline constexpr const char* kFuseConnectionsDir = "/sys/fs/fuse/connections";

/// Mounts fusectl on /sys/fs/fuse/connections unless /proc/self/mountinfo shows it there.
/// Fails with the errno text (e.g. not root).
Status ensure_fusectl_mounted();

/// "/sys/fs/fuse/connections/ID/abort".
std::string fuse_abort_path(uint64_t connection_id);

/// True while /sys/fs/fuse/connections/ID exists (fusectl must be mounted).
bool fuse_connection_exists(uint64_t connection_id);

/// Writes "1" to the connection's abort knob: every request waiting on it ends with ECONNABORTED
/// / ENOTCONN. Succeeds when the connection is already gone; fails on any other error.
Status abort_fuse_connection(uint64_t connection_id);

}  // namespace hangscope::demo
