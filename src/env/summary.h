// A one-line description of the machine, for reports (scan, log) to embed.
#pragma once

#include <string>

#include "env/fingerprint.h"

namespace hangscope::env {

/// "Linux 6.18.44 x86_64, Debian GNU/Linux 12 (bookworm), vm kvm, container docker,
/// runtimes docker 28.2.2" from a fingerprint; unknown parts are shown as "?" and control bytes
/// are escaped. Never fails.
std::string fingerprint_summary(const Fingerprint& fp);

/// The same for this machine: runs only the kernel, distro, virtualization and
/// container-runtime probes (each runtime's `--version` bounded to 2 s, so at most ~6 s, usually
/// ~0.1 s). Never fails.
std::string fingerprint_summary();

/// The same without running any program (no container-runtime versions): only /proc, /sys and
/// /etc reads, for reports made on a machine that may be hung. Never fails.
std::string fingerprint_summary_quick();

}  // namespace hangscope::env
