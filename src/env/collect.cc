#include "env/collect.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "env/kconfig.h"
#include "env/proc_parse.h"
#include "env/virt.h"
#include "kernel/taint.h"

namespace hangscope::env {

namespace {

// The first line of a file, trimmed, or an error.
Result<std::string> read_line(System& sys, const std::string& path) {
  auto text = sys.read_file(path);
  if (!text) return text.error();
  auto lines = split_lines(*text);
  return std::string(lines.empty() ? std::string_view() : trim(lines.front()));
}

void put_line(System& sys, Fingerprint& fp, const std::string& name, const std::string& path) {
  auto v = read_line(sys, path);
  fp.attrs[name] = v ? AttrValue::scalar(*v, path) : AttrValue::missing(v.error().message);
}

}  // namespace

void probe_kernel(System& sys, Fingerprint& fp) {
  put_line(sys, fp, "kernel.release", "/proc/sys/kernel/osrelease");
  put_line(sys, fp, "kernel.version", "/proc/sys/kernel/version");
  std::string machine = sys.machine();
  fp.attrs["arch"] =
      machine.empty() ? AttrValue::missing("uname(2) failed") : AttrValue::scalar(machine, "uname");
  const std::string path = "/proc/sys/kernel/tainted";
  auto text = sys.read_file(path);
  std::optional<uint64_t> mask;
  if (text) mask = kernel::taint_mask_from_proc(*text);
  if (mask) {
    std::string letters = kernel::taint_letters(*mask);
    fp.attrs["kernel.taint"] = AttrValue::scalar(letters.empty() ? "none" : letters, path);
    fp.attrs["kernel.taint_mask"] = AttrValue::number(static_cast<long long>(*mask), path);
  } else {
    std::string why = text ? path + ": not a number" : text.error().message;
    fp.attrs["kernel.taint"] = AttrValue::missing(why);
    fp.attrs["kernel.taint_mask"] = AttrValue::missing(why);
  }
}

void probe_kernel_config(System& sys, Fingerprint& fp) {
  std::string release = fp.first_or("kernel.release", "");
  if (release.empty()) {
    auto r = read_line(sys, "/proc/sys/kernel/osrelease");
    if (r) release = *r;
  }
  std::string boot = "/boot/config-" + (release.empty() ? std::string("RELEASE") : release);
  std::string text, source, problems;
  if (auto gz = sys.read_file("/proc/config.gz"); gz) {
    auto plain = gunzip(*gz);
    if (plain) {
      text = std::move(*plain);
      source = "/proc/config.gz";
    } else {
      problems = "/proc/config.gz: " + plain.error().message;
    }
  } else {
    problems = "no /proc/config.gz";
  }
  if (source.empty() && !release.empty()) {
    if (auto plain = sys.read_file(boot); plain) {
      text = std::move(*plain);
      source = boot;
    } else {
      problems += fmt::format(" and no {}", boot);
    }
  }
  if (source.empty()) {
    AttrValue missing = AttrValue::missing(problems);
    fp.attrs["kernel.config_source"] = missing;
    fp.attrs["kernel.config_hash"] = missing;
    fp.attrs["config.CONFIG_DETECT_HUNG_TASK"] = missing;
    return;
  }
  fp.attrs["kernel.config_source"] = AttrValue::scalar(source);
  fp.attrs["kernel.config_hash"] = AttrValue::scalar(config_hash(text), source);
  auto items = parse_kconfig(text);
  // The core items are always written ("n" when absent), the rest when the config has them.
  for (const char* name :
       {"CONFIG_DETECT_HUNG_TASK", "CONFIG_LOCKDEP", "CONFIG_BPF_SYSCALL", "CONFIG_DEBUG_INFO_BTF",
        "CONFIG_KPROBES", "CONFIG_FUNCTION_GRAPH_TRACER", "CONFIG_MODULES"}) {
    items.emplace(name, "n");
  }
  for (const auto& [name, value] : items) {
    if (is_fingerprint_config_item(name)) {
      fp.attrs["config." + name] = AttrValue::scalar(value, source);
    }
  }
}

void probe_distro(System& sys, Fingerprint& fp) {
  std::string source, problems;
  std::map<std::string, std::string> kv;
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    auto text = sys.read_file(path);
    if (text) {
      kv = parse_os_release(*text);
      source = path;
      break;
    }
    problems += (problems.empty() ? "" : "; ") + text.error().message;
  }
  auto put = [&](const char* attr, const char* key) {
    auto it = kv.find(key);
    if (it != kv.end() && !it->second.empty()) {
      fp.attrs[attr] = AttrValue::scalar(it->second, source);
    } else {
      fp.attrs[attr] = AttrValue::missing(source.empty() ? problems : source + " has no " + key);
    }
  };
  // PRETTY_NAME falls back to NAME VERSION, as os-release(5) suggests.
  if (!kv.contains("PRETTY_NAME") && kv.contains("NAME")) {
    kv["PRETTY_NAME"] = kv["NAME"] + (kv.contains("VERSION") ? " " + kv["VERSION"] : "");
  }
  put("distro", "PRETTY_NAME");
  put("distro.id", "ID");
  put("distro.version_id", "VERSION_ID");
}

void probe_hardware(System& sys, Fingerprint& fp) {
  if (auto text = sys.read_file("/proc/cpuinfo"); text) {
    CpuInfo cpu = parse_cpuinfo(*text);
    fp.attrs["cpu.model"] = cpu.model.empty()
                                ? AttrValue::missing("/proc/cpuinfo names no CPU model")
                                : AttrValue::scalar(cpu.model, "/proc/cpuinfo");
    fp.attrs["cpu.count"] = cpu.count > 0 ? AttrValue::number(cpu.count, "/proc/cpuinfo")
                                          : AttrValue::missing("/proc/cpuinfo lists no processor");
  } else {
    fp.attrs["cpu.model"] = AttrValue::missing(text.error().message);
    fp.attrs["cpu.count"] = AttrValue::missing(text.error().message);
  }
  auto mem = sys.read_file("/proc/meminfo");
  std::optional<uint64_t> kib;
  if (mem) kib = parse_meminfo_total_kib(*mem);
  fp.attrs["memory.total_mib"] =
      kib ? AttrValue::number(static_cast<long long>(*kib / 1024), "/proc/meminfo")
          : AttrValue::missing(mem ? "/proc/meminfo has no MemTotal" : mem.error().message);
}

void probe_virtualization(System& sys, Fingerprint& fp) {
  const std::string dmi_dir = "/sys/class/dmi/id/";
  VmEvidence vm;
  bool have_dmi = sys.exists(dmi_dir);
  auto dmi = [&](const char* file) {
    auto v = read_line(sys, dmi_dir + file);
    return v ? *v : std::string();
  };
  if (have_dmi) {
    vm.dmi = {dmi("sys_vendor"), dmi("product_name"), dmi("board_vendor"), dmi("bios_vendor")};
  }
  vm.cpuid_vendor = sys.cpuid_hypervisor();
  if (auto t = read_line(sys, "/sys/hypervisor/type"); t) vm.hypervisor_type = *t;
  if (auto c = sys.read_file("/proc/cpuinfo"); c)
    vm.cpuinfo_hypervisor = parse_cpuinfo(*c).hypervisor;
  fp.attrs["virt.vm"] = AttrValue::scalar(detect_vm(vm), "cpuid, dmi, /sys/hypervisor, cpuinfo");

  ContainerEvidence ct;
  ct.container_env = sys.getenv("container");
  ct.dockerenv = sys.exists("/.dockerenv");
  ct.containerenv = sys.exists("/run/.containerenv");
  ct.proc_vz = sys.exists("/proc/vz") && !sys.exists("/proc/bc");
  ct.osrelease = fp.first_or("kernel.release", "");
  fp.attrs["virt.container"] =
      AttrValue::scalar(detect_container(ct), "$container, /.dockerenv, /run/.containerenv");

  const std::string why = "no " + dmi_dir + " (firmware without DMI/SMBIOS tables, or not x86)";
  auto put = [&](const char* attr, const std::string& value, const char* file) {
    if (!have_dmi) {
      fp.attrs[attr] = AttrValue::missing(why);
    } else if (value.empty()) {
      fp.attrs[attr] = AttrValue::missing(dmi_dir + file + " is empty or unreadable");
    } else {
      fp.attrs[attr] = AttrValue::scalar(value, dmi_dir + file);
    }
  };
  put("product.vendor", vm.dmi.sys_vendor, "sys_vendor");
  put("product.name", vm.dmi.product_name, "product_name");
  std::string both = vm.dmi.sys_vendor;
  if (!vm.dmi.product_name.empty()) both += (both.empty() ? "" : " ") + vm.dmi.product_name;
  put("product", both, "sys_vendor and product_name");
}

namespace {

// `PROGRAM --version`, bounded; fills ATTR with the version or the reason it is missing.
void program_version(System& sys, Fingerprint& fp, const std::string& attr,
                     const std::string& program, const CollectOptions& opt) {
  auto run = sys.run({program, "--version"}, opt.program_timeout);
  if (!run) {
    fp.attrs[attr] = AttrValue::missing(run.error().message);
    return;
  }
  if (run->timed_out) {
    fp.attrs[attr] = AttrValue::missing(fmt::format("{} --version: no answer in {} ms (killed)",
                                                    program, opt.program_timeout.count()));
    return;
  }
  auto version = parse_tool_version(run->output);
  if (!version) {
    std::string first(trim(split_lines(run->output).empty() ? "" : split_lines(run->output)[0]));
    fp.attrs[attr] = AttrValue::missing(fmt::format("{} --version: exit {}, no version in \"{}\"",
                                                    program, run->exit_code, first.substr(0, 80)));
    return;
  }
  fp.attrs[attr] = AttrValue::scalar(*version, program + " --version");
}

}  // namespace

void probe_container_runtimes(System& sys, Fingerprint& fp, const CollectOptions& opt) {
  for (const char* rt : {"docker", "podman", "containerd"}) {
    program_version(sys, fp, fmt::format("container.{}.version", rt), rt, opt);
  }
}

void probe_shell(System& sys, Fingerprint& fp, const CollectOptions& opt) {
  program_version(sys, fp, "shell.bash.version", "bash", opt);
  std::string login = sys.getenv("SHELL");
  fp.attrs["shell.login"] =
      login.empty() ? AttrValue::missing("$SHELL is not set") : AttrValue::scalar(login, "$SHELL");
}

void probe_kernel_state(System& sys, Fingerprint& fp) {
  if (auto m = sys.read_file("/proc/modules"); m) {
    fp.attrs["modules"] = AttrValue::set(parse_modules(*m), "/proc/modules");
  } else {
    fp.attrs["modules"] =
        AttrValue::missing(m.error().message + " (kernel without loadable module support?)");
  }
  if (auto mi = sys.read_file("/proc/self/mountinfo"); mi) {
    fp.attrs["fs.types"] = AttrValue::set(parse_mountinfo_fstypes(*mi), "/proc/self/mountinfo");
  } else {
    fp.attrs["fs.types"] = AttrValue::missing(mi.error().message);
  }
  const std::string dir = "/proc/sys/kernel/";
  auto names = sys.list_dir(dir);
  bool any = false;
  if (names) {
    for (const std::string& name : *names) {
      if (!name.starts_with("hung_task_")) continue;
      any = true;
      std::string attr = "sysctl.kernel." + name;
      auto v = read_line(sys, dir + name);
      long long n = 0;
      bool numeric = v && !v->empty() && std::all_of(v->begin(), v->end(), [](char c) {
                       return (c >= '0' && c <= '9') || c == '-';
                     });
      if (numeric) numeric = std::sscanf(v->c_str(), "%lld", &n) == 1;
      if (!v) {
        fp.attrs[attr] = AttrValue::missing(v.error().message);
      } else {
        fp.attrs[attr] =
            numeric ? AttrValue::number(n, dir + name) : AttrValue::scalar(*v, dir + name);
      }
    }
  }
  if (!any) {
    fp.attrs["sysctl.kernel.hung_task_timeout_secs"] = AttrValue::missing(
        names ? "no " + dir + "hung_task_* (kernel built without CONFIG_DETECT_HUNG_TASK)"
              : names.error().message);
  }
}

Fingerprint collect_fingerprint(System& sys, const CollectOptions& opt) {
  Fingerprint fp;
  if (auto host = read_line(sys, "/proc/sys/kernel/hostname"); host) fp.label = *host;
  probe_kernel(sys, fp);
  probe_kernel_config(sys, fp);
  probe_distro(sys, fp);
  probe_hardware(sys, fp);
  probe_virtualization(sys, fp);
  probe_container_runtimes(sys, fp, opt);
  probe_shell(sys, fp, opt);
  probe_kernel_state(sys, fp);
  return fp;
}

}  // namespace hangscope::env
