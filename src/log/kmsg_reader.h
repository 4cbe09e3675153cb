// Reading the running kernel's log buffer from /dev/kmsg without blocking.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hangscope::log {

/// Converts one /dev/kmsg record ("6,1234,5678901,-;text") into a printk-style line
/// ("<6>[    5.678901] text"). Continuation lines (" KEY=value") and malformed records give "".
std::string kmsg_record_to_line(std::string_view record);

/// Reads every record currently in `path` (default /dev/kmsg), opened O_NONBLOCK, and hands each
/// as a printk-style line to `sink`; stops at the end of the buffer (EAGAIN), never waits.
/// Records overwritten while reading (EPIPE) are skipped. Error: "PATH: <strerror>" (for EPERM
/// with a hint about root / kernel.dmesg_restrict).
Status read_kmsg(const std::function<void(std::string_view line)>& sink,
                 const std::string& path = "/dev/kmsg");

}  // namespace hangscope::log
