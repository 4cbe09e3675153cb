#include "env/summary.h"

#include "env/collect.h"
#include "env/compare_report.h"

namespace hangscope::env {

std::string fingerprint_summary(const Fingerprint& fp) {
  auto get = [&](const char* name) { return escape_control(fp.first_or(name, "?")); };
  std::string out = "Linux " + get("kernel.release") + " " + get("arch") + ", " + get("distro");
  out += ", vm " + get("virt.vm") + ", container " + get("virt.container");
  std::string runtimes;
  for (const char* rt : {"docker", "podman", "containerd"}) {
    std::string v = fp.first_or(std::string("container.") + rt + ".version", "");
    if (!v.empty())
      runtimes += (runtimes.empty() ? "" : ", ") + std::string(rt) + " " + escape_control(v);
  }
  bool probed = fp.find("container.docker.version") || fp.find("container.podman.version") ||
                fp.find("container.containerd.version");
  if (probed) out += runtimes.empty() ? ", no container runtime found" : ", runtimes " + runtimes;
  return out;
}

std::string fingerprint_summary() {
  auto sys = make_real_system();
  Fingerprint fp;
  probe_kernel(*sys, fp);
  probe_distro(*sys, fp);
  probe_virtualization(*sys, fp);
  probe_container_runtimes(*sys, fp, CollectOptions{});
  return fingerprint_summary(fp);
}

std::string fingerprint_summary_quick() {
  auto sys = make_real_system();
  Fingerprint fp;
  probe_kernel(*sys, fp);
  probe_distro(*sys, fp);
  probe_virtualization(*sys, fp);
  return fingerprint_summary(fp);
}

}  // namespace hangscope::env
