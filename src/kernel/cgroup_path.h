// Who a task belongs to, from its cgroup path: the container runtime and container id, the
// Kubernetes pod and QoS class, the systemd unit and slice. Pure string parsing over the paths
// that container managers and systemd create (cgroup v1 and v2; systemd and cgroupfs drivers).
#pragma once

#include <string>
#include <string_view>

namespace hangscope::kernel {

/// What a cgroup path says about its tasks. Every field is empty when the path does not say.
struct CgroupOwner {
  /// "docker", "containerd", "cri-o", "podman", "lxc"; "cri" for a Kubernetes container whose
  /// path carries no runtime prefix (cgroupfs driver: containerd or dockershim; the path cannot
  /// tell which); "" when the path names no container, or names an id without a runtime.
  std::string runtime;
  /// The full container id as the path spells it (64 hex digits for docker, containerd, cri-o
  /// and podman; the container name for lxc). Runtimes accept it, or its first 12 characters.
  std::string container_id;
  /// The Kubernetes pod UID with dashes ("0f1e2d3c-..."), whichever form the path used.
  std::string pod_uid;
  /// The pod's QoS class: "guaranteed", "burstable" or "besteffort" ("" without a pod).
  std::string qos;
  /// The innermost systemd unit (".service" or ".scope" component), e.g. "cron.service".
  std::string unit;
  /// The innermost systemd slice (".slice" component), e.g. "system.slice".
  std::string slice;
  /// True for a runtime's monitor process scope (podman's or cri-o's conmon), not the container.
  bool monitor = false;

  bool operator==(const CgroupOwner&) const = default;
  /// True when nothing was recognised.
  bool empty() const { return *this == CgroupOwner{}; }
};

/// Parses a cgroup path ("/kubepods.slice/.../cri-containerd-<id>.scope"). Paths seen through a
/// cgroup namespace ("/../../kubepods/...") work too: ".." components are skipped. When
/// containers nest (docker in docker, kind nodes), the innermost container wins. Never fails.
CgroupOwner parse_cgroup_path(std::string_view path);

/// The cgroup path to attribute a task by, from the text of /proc/PID/cgroup
/// ("hierarchy-id:controllers:path" lines): the first line whose path names a container or pod,
/// else the unified (v2, "0::") path unless it is "/", else the v1 name=systemd path unless it
/// is "/", else the unified path, else the first line's path; "" when no line parses.
std::string cgroup_path_of(std::string_view proc_cgroup_text);

/// "docker:0123456789ab" (runtime and the first 12 characters of the id), "container:<id12>"
/// for an id without a runtime, "kubernetes:pod<uid>" for a pod without a container, else "".
std::string container_label(const CgroupOwner& owner);

/// The inverse of container_label, for snapshots that carry only the label: runtime and (short)
/// container id, or the pod UID; an empty owner for "" or a label without a ':'.
CgroupOwner owner_from_container_label(std::string_view label);

/// The first 12 characters of a container id (the short form runtimes print).
std::string_view short_container_id(std::string_view id);

}  // namespace hangscope::kernel
