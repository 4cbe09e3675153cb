#include "env/virt.h"

#include <gtest/gtest.h>

namespace hangscope::env {
namespace {

TEST(Virt, CpuidSignatures) {
  EXPECT_EQ(vm_from_cpuid_vendor(std::string("KVMKVMKVM\0\0\0", 12)), "kvm");
  EXPECT_EQ(vm_from_cpuid_vendor("Microsoft Hv"), "microsoft");
  EXPECT_EQ(vm_from_cpuid_vendor("VMwareVMware"), "vmware");
  EXPECT_EQ(vm_from_cpuid_vendor("VBoxVBoxVBox"), "oracle");
  EXPECT_EQ(vm_from_cpuid_vendor("TCGTCGTCGTCG"), "qemu");
  EXPECT_EQ(vm_from_cpuid_vendor(""), "");
  EXPECT_EQ(vm_from_cpuid_vendor("GenuineIntel"), "");
}

TEST(Virt, DmiOfTheSeedMachines) {
  EXPECT_EQ(vm_from_dmi({"innotek GmbH", "VirtualBox", "Oracle Corporation", "innotek GmbH"}),
            "oracle");
  EXPECT_EQ(vm_from_dmi({"VMware, Inc.", "VMware Virtual Platform", "Intel Corporation", ""}),
            "vmware");
  EXPECT_EQ(vm_from_dmi({"QEMU", "Standard PC (Q35 + ICH9, 2009)", "", "SeaBIOS"}), "qemu");
  EXPECT_EQ(vm_from_dmi({"Microsoft Corporation", "Virtual Machine", "", ""}), "microsoft");
  // Real hardware of the seed tables.
  EXPECT_EQ(vm_from_dmi({"Gigabyte Technology Co., Ltd.", "B150M-D3H", "Gigabyte", "AMI"}), "");
  EXPECT_EQ(vm_from_dmi({"LENOVO", "20349", "LENOVO", "LENOVO"}), "");
  EXPECT_EQ(vm_from_dmi({"Microsoft Corporation", "Surface Pro", "", ""}), "");
}

TEST(Virt, DetectVmOrderAndFallbacks) {
  VmEvidence ev;
  EXPECT_EQ(detect_vm(ev), "none");
  ev.cpuinfo_hypervisor = true;
  EXPECT_EQ(detect_vm(ev), "unknown-hypervisor");
  ev.hypervisor_type = "xen";
  EXPECT_EQ(detect_vm(ev), "xen");
  ev.cpuid_vendor = "KVMKVMKVM";
  EXPECT_EQ(detect_vm(ev), "kvm");
  ev.dmi.sys_vendor = "innotek GmbH";  // VirtualBox with a KVM paravirt interface
  EXPECT_EQ(detect_vm(ev), "oracle");
}

TEST(Virt, Containers) {
  ContainerEvidence ev;
  EXPECT_EQ(detect_container(ev), "none");
  ev.osrelease = "4.4.0-19041-Microsoft";
  EXPECT_EQ(detect_container(ev), "wsl");
  ev.proc_vz = true;
  EXPECT_EQ(detect_container(ev), "openvz");
  ev.dockerenv = true;
  EXPECT_EQ(detect_container(ev), "docker");
  ev.containerenv = true;
  EXPECT_EQ(detect_container(ev), "podman");
  ev.container_env = "systemd-nspawn";
  EXPECT_EQ(detect_container(ev), "systemd-nspawn");
  ev.container_env = "oci";
  EXPECT_EQ(detect_container(ev), "podman");
}

}  // namespace
}  // namespace hangscope::env
