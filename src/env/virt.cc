#include "env/virt.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace hangscope::env {

namespace {

bool contains(std::string_view hay, std::string_view needle) {
  return !needle.empty() && hay.find(needle) != std::string_view::npos;
}

}  // namespace

std::string vm_from_cpuid_vendor(std::string_view signature) {
  std::string sig(signature.substr(0, signature.find('\0')));
  static const std::array<std::pair<std::string_view, std::string_view>, 12> kVendors = {{
      {"KVMKVMKVM", "kvm"},
      {"Linux KVM Hv", "kvm"},
      {"Microsoft Hv", "microsoft"},
      {"VMwareVMware", "vmware"},
      {"XenVMMXenVMM", "xen"},
      {"VBoxVBoxVBox", "oracle"},
      {"TCGTCGTCGTCG", "qemu"},
      {"bhyve bhyve ", "bhyve"},
      {"ACRNACRNACRN", "acrn"},
      {" lrpepyh  vr", "parallels"},
      {"QNXQVMBSQG", "qnx"},
      {"Apple VZ", "apple"},
  }};
  for (const auto& [needle, name] : kVendors) {
    if (sig.starts_with(needle)) return std::string(name);
  }
  return {};
}

std::string vm_from_dmi(const DmiInfo& dmi) {
  static const std::array<std::pair<std::string_view, std::string_view>, 13> kVendors = {{
      {"KVM", "kvm"},
      {"OpenStack", "kvm"},
      {"Amazon EC2", "amazon"},
      {"QEMU", "qemu"},
      {"VMware", "vmware"},
      {"VMW", "vmware"},
      {"innotek GmbH", "oracle"},
      {"VirtualBox", "oracle"},
      {"Xen", "xen"},
      {"Bochs", "bochs"},
      {"Parallels", "parallels"},
      {"BHYVE", "bhyve"},
      {"Google Compute Engine", "google"},
  }};
  for (const std::string* field :
       {&dmi.sys_vendor, &dmi.product_name, &dmi.board_vendor, &dmi.bios_vendor}) {
    for (const auto& [needle, name] : kVendors) {
      if (field->starts_with(needle)) return std::string(name);
    }
  }
  if (contains(dmi.sys_vendor, "Microsoft") && contains(dmi.product_name, "Virtual Machine")) {
    return "microsoft";
  }
  return {};
}

std::string detect_vm(const VmEvidence& ev) {
  if (std::string v = vm_from_dmi(ev.dmi); !v.empty()) return v;
  if (std::string v = vm_from_cpuid_vendor(ev.cpuid_vendor); !v.empty()) return v;
  if (ev.hypervisor_type == "xen") return "xen";
  if (ev.cpuinfo_hypervisor) return "unknown-hypervisor";
  return "none";
}

std::string detect_container(const ContainerEvidence& ev) {
  if (!ev.container_env.empty()) {
    // systemd-nspawn and podman set $container; "oci" is what podman/buildah write.
    return ev.container_env == "oci" ? "podman" : ev.container_env;
  }
  if (ev.containerenv) return "podman";
  if (ev.dockerenv) return "docker";
  if (ev.proc_vz) return "openvz";
  std::string rel = ev.osrelease;
  std::transform(rel.begin(), rel.end(), rel.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (contains(rel, "microsoft") || contains(rel, "wsl")) return "wsl";
  return "none";
}

}  // namespace hangscope::env
