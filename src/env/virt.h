// Virtualization detection from evidence text, in the manner of systemd-detect-virt (pure:
// the probes gather the evidence, tests feed it).
#pragma once

#include <string>
#include <string_view>

namespace hangscope::env {

/// The hypervisor named by the CPUID leaf 0x40000000 vendor signature (12 bytes, NULs allowed):
/// "kvm", "microsoft", "vmware", "xen", "oracle" (VirtualBox), "qemu", "bhyve", "acrn",
/// "parallels", "qnx", "apple"; empty when unknown or empty.
std::string vm_from_cpuid_vendor(std::string_view signature);

/// DMI strings (/sys/class/dmi/id/*) of a machine.
struct DmiInfo {
  std::string sys_vendor, product_name, board_vendor, bios_vendor;
};

/// The hypervisor the DMI strings name ("KVM", "QEMU", "VMware", "innotek GmbH",
/// "VirtualBox", "Xen", "Bochs", "Parallels", "BHYVE", "Amazon EC2", "Google", Microsoft
/// "Virtual Machine"), empty when they name real hardware.
std::string vm_from_dmi(const DmiInfo& dmi);

/// Evidence for the virtual-machine verdict, in the order it is trusted.
struct VmEvidence {
  std::string cpuid_vendor;         ///< CPUID 0x40000000 signature; empty when not x86 / no leaf
  DmiInfo dmi;                      ///< empty strings when /sys/class/dmi/id is absent
  std::string hypervisor_type;      ///< /sys/hypervisor/type ("xen"); may be empty
  bool cpuinfo_hypervisor = false;  ///< the cpuinfo "hypervisor" flag
};

/// "none", a hypervisor name, or "unknown-hypervisor" (the flag without a name). DMI wins over
/// CPUID (a VirtualBox guest may expose a KVM signature), as systemd-detect-virt does.
std::string detect_vm(const VmEvidence& ev);

/// Evidence for the container verdict (none of it reads /proc/1).
struct ContainerEvidence {
  std::string container_env;  ///< our own $container (systemd-nspawn, lxc, podman set it)
  bool dockerenv = false;     ///< /.dockerenv exists
  bool containerenv = false;  ///< /run/.containerenv exists (podman)
  bool proc_vz = false;       ///< /proc/vz exists and /proc/bc does not (OpenVZ container)
  std::string osrelease;      ///< /proc/sys/kernel/osrelease, for WSL
};

/// "none" or the container manager: "docker", "podman", "openvz", "wsl", or $container's value.
std::string detect_container(const ContainerEvidence& ev);

}  // namespace hangscope::env
