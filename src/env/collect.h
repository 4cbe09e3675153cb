// env collect: probes that fill a Fingerprint from the running system.
#pragma once

#include <chrono>

#include "env/fingerprint.h"
#include "env/system.h"

namespace hangscope::env {

/// How collection runs.
struct CollectOptions {
  /// Hard limit for each child program (docker/podman/containerd/bash --version).
  std::chrono::milliseconds program_timeout{2000};
};

// Each probe adds its attributes; an attribute it cannot fill is recorded as missing with the
// reason. Probes never fail and never touch a mount point or another process's memory.

/// kernel.release, kernel.version, arch, kernel.taint, kernel.taint_mask.
void probe_kernel(System& sys, Fingerprint& fp);
/// kernel.config_source, kernel.config_hash and config.CONFIG_* items.
void probe_kernel_config(System& sys, Fingerprint& fp);
/// distro, distro.id, distro.version_id (/etc/os-release, then /usr/lib/os-release).
void probe_distro(System& sys, Fingerprint& fp);
/// cpu.model, cpu.count, memory.total_mib.
void probe_hardware(System& sys, Fingerprint& fp);
/// virt.vm, virt.container, product, product.vendor, product.name.
void probe_virtualization(System& sys, Fingerprint& fp);
/// container.{docker,podman,containerd}.version from the binaries (never the daemons).
void probe_container_runtimes(System& sys, Fingerprint& fp, const CollectOptions& opt);
/// shell.bash.version, shell.login.
void probe_shell(System& sys, Fingerprint& fp, const CollectOptions& opt);
/// modules (set), fs.types (set), sysctl.kernel.hung_task_* (numbers).
void probe_kernel_state(System& sys, Fingerprint& fp);

/// Every probe above, labelled with the host name when known.
Fingerprint collect_fingerprint(System& sys, const CollectOptions& opt = {});

}  // namespace hangscope::env
