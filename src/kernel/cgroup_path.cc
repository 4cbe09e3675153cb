#include "kernel/cgroup_path.h"

#include <algorithm>

#include "core/lines.h"

namespace hangscope::kernel {

namespace {

constexpr std::size_t kFullIdLength = 64;  // sha256 hex: docker, containerd, cri-o, podman

bool is_lower_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool is_pod_uid(std::string_view s) {
  return s.size() >= 8 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                  c == '-' || c == '_';
         });
}

std::string_view without_suffix(std::string_view s, std::string_view suffix) {
  if (s.ends_with(suffix)) s.remove_suffix(suffix.size());
  return s;
}

// Scope names the runtimes give a container's cgroup: "<prefix><id>" (cgroupfs driver) or
// "<prefix><id>.scope" (systemd driver).
struct ScopePrefix {
  std::string_view prefix;
  std::string_view runtime;
  bool monitor;
};
constexpr ScopePrefix kScopePrefixes[] = {
    {"docker-", "docker", false},              // dockerd --exec-opt native.cgroupdriver=systemd
    {"cri-containerd-", "containerd", false},  // containerd CRI, SystemdCgroup = true
    {"nerdctl-", "containerd", false},         // nerdctl with the systemd driver
    {"crio-conmon-", "cri-o", true},           // cri-o's conmon, next to the container
    {"crio-", "cri-o", false},                 // cri-o, both drivers
    {"libpod-conmon-", "podman", true},        // podman's conmon
    {"libpod-", "podman", false},              // podman, both drivers
};

// The pod part of "pod<uid>" (cgroupfs) or "...-pod<uid>" (systemd, '-' written as '_').
void set_pod(std::string_view uid, CgroupOwner& o) {
  if (!is_pod_uid(uid)) return;
  o.pod_uid.assign(uid);
  std::replace(o.pod_uid.begin(), o.pod_uid.end(), '_', '-');
}

// Strips a leading "-burstable"/"-besteffort" (systemd slice names) into o.qos.
std::string_view take_qos(std::string_view rest, CgroupOwner& o) {
  for (std::string_view q : {"burstable", "besteffort"}) {
    if (rest.starts_with("-") && rest.substr(1).starts_with(q)) {
      o.qos.assign(q);
      return rest.substr(1 + q.size());
    }
  }
  return rest;
}

// A kubelet component: "kubepods", "kubepods.slice", "kubepods-burstable.slice",
// "kubepods-besteffort-pod<uid>.slice", "kubepods-pod<uid>.slice", with any prefix a custom
// --cgroup-root adds ("kubelet-kubepods-..."). Returns false when `c` is none.
bool kubepods_component(std::string_view c, CgroupOwner& o) {
  std::size_t k = c.find("kubepods");
  if (k == std::string_view::npos) return false;
  std::string_view rest = take_qos(without_suffix(c.substr(k + 8), ".slice"), o);
  if (rest.starts_with("-pod")) set_pod(rest.substr(4), o);
  return true;
}

// The state of a left-to-right walk over the components.
struct Walk {
  CgroupOwner o;
  bool in_kubepods = false;
  std::string_view previous;
};

void set_container(Walk& w, std::string_view runtime, std::string_view id, bool monitor) {
  w.o.runtime.assign(runtime);
  w.o.container_id.assign(id);
  w.o.monitor = monitor;
}

bool scoped_container(std::string_view c, Walk& w) {
  std::string_view bare = without_suffix(c, ".scope");
  for (const ScopePrefix& p : kScopePrefixes) {
    if (!bare.starts_with(p.prefix)) continue;
    std::string_view id = bare.substr(p.prefix.size());
    if (id.size() < 12 || !is_lower_hex(id)) continue;
    set_container(w, p.runtime, id, p.monitor);
    return true;
  }
  return false;
}

void visit(std::string_view c, Walk& w) {
  if (c.ends_with(".service") || c.ends_with(".scope")) w.o.unit.assign(c);
  if (c.ends_with(".slice")) w.o.slice.assign(c);
  if (kubepods_component(c, w.o)) {
    w.in_kubepods = true;
    return;
  }
  if (w.in_kubepods && w.o.pod_uid.empty()) {  // cgroupfs driver: kubepods/<qos>/pod<uid>
    if (c == "burstable" || c == "besteffort") w.o.qos.assign(c);
    if (c.starts_with("pod")) set_pod(c.substr(3), w.o);
    return;
  }
  if (scoped_container(c, w)) return;
  if (c.starts_with("lxc.payload.")) return set_container(w, "lxc", c.substr(12), false);
  if (c.starts_with("lxc.monitor.")) return set_container(w, "lxc", c.substr(12), true);
  if (w.previous == "lxc") return set_container(w, "lxc", c, false);
  if (c.size() == kFullIdLength && is_lower_hex(c)) {
    std::string_view runtime = w.previous == "docker" ? "docker"
                               : !w.o.pod_uid.empty() ? "cri"
                                                      : "";
    set_container(w, runtime, c, false);
  }
}

struct CgroupLine {
  std::string_view controllers;
  std::string_view path;
};

bool split_line(std::string_view line, CgroupLine& out) {
  std::size_t c1 = line.find(':');
  if (c1 == std::string_view::npos) return false;
  std::size_t c2 = line.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return false;
  out.controllers = line.substr(c1 + 1, c2 - c1 - 1);
  out.path = line.substr(c2 + 1);
  return true;
}

}  // namespace

CgroupOwner parse_cgroup_path(std::string_view path) {
  Walk w;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view c = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (c.empty() || c == "." || c == "..") continue;
    visit(c, w);
    w.previous = c;
  }
  if (!w.o.pod_uid.empty() && w.o.qos.empty()) w.o.qos = "guaranteed";
  return w.o;
}

std::string cgroup_path_of(std::string_view text) {
  std::string_view first, unified, named_systemd, attributed;
  bool any = false, have_unified = false;
  for_each_line(text, [&](std::string_view line) {
    CgroupLine l;
    if (!split_line(line, l)) return;
    if (!any) first = l.path;
    any = true;
    if (line.starts_with("0::") && !have_unified) {
      unified = l.path;
      have_unified = true;
    }
    if (l.controllers == "name=systemd" && named_systemd.empty()) named_systemd = l.path;
    if (attributed.empty()) {
      CgroupOwner o = parse_cgroup_path(l.path);
      if (!o.container_id.empty() || !o.pod_uid.empty()) attributed = l.path;
    }
  });
  if (!attributed.empty()) return std::string(attributed);
  if (have_unified && unified != "/") return std::string(unified);
  if (!named_systemd.empty() && named_systemd != "/") return std::string(named_systemd);
  if (have_unified) return std::string(unified);
  return std::string(first);
}

std::string_view short_container_id(std::string_view id) { return id.substr(0, 12); }

std::string container_label(const CgroupOwner& o) {
  if (!o.container_id.empty())
    return (o.runtime.empty() ? std::string("container") : o.runtime) + ":" +
           std::string(short_container_id(o.container_id));
  if (!o.pod_uid.empty()) return "kubernetes:pod" + o.pod_uid;
  return "";
}

CgroupOwner owner_from_container_label(std::string_view label) {
  CgroupOwner o;
  std::size_t colon = label.find(':');
  if (colon == std::string_view::npos) return o;
  std::string_view runtime = label.substr(0, colon), rest = label.substr(colon + 1);
  if (runtime == "kubernetes" && rest.starts_with("pod")) {
    o.pod_uid.assign(rest.substr(3));
    return o;
  }
  if (runtime != "container") o.runtime.assign(runtime);
  o.container_id.assign(rest);
  return o;
}

}  // namespace hangscope::kernel
