// The cgroup-path parser over paths as each runtime and driver writes them (cgroup v1 and v2,
// systemd and cgroupfs drivers, nested containers, paths seen through a cgroup namespace).
#include "kernel/cgroup_path.h"

#include <gtest/gtest.h>

#include <string>

namespace hangscope::kernel {
namespace {

const std::string kId = "9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d";
const std::string kId2 = "605439acbd4fb18c145069289094b17f17e0cfa938f78012d4960bc797305f22";
const std::string kUid = "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc";
const std::string kUidSystemd = "63b3ebfc_2890_11e9_8154_16bf8ef8d9dc";

CgroupOwner owner(std::string runtime, std::string id, std::string pod = "", std::string qos = "",
                  std::string unit = "", std::string slice = "") {
  return {std::move(runtime), std::move(id),    std::move(pod), std::move(qos),
          std::move(unit),    std::move(slice), false};
}

TEST(CgroupPath, DockerCgroupfsDriver) {
  // v1 and v2 alike: dockerd's default cgroupfs driver puts a container at /docker/<id>.
  EXPECT_EQ(parse_cgroup_path("/docker/" + kId), owner("docker", kId));
}

TEST(CgroupPath, DockerSystemdDriver) {
  EXPECT_EQ(parse_cgroup_path("/system.slice/docker-" + kId + ".scope"),
            owner("docker", kId, "", "", "docker-" + kId + ".scope", "system.slice"));
}

TEST(CgroupPath, ContainerdKubernetesSystemdDriverBurstable) {
  std::string p = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd +
                  ".slice/cri-containerd-" + kId + ".scope";
  EXPECT_EQ(parse_cgroup_path(p),
            owner("containerd", kId, kUid, "burstable", "cri-containerd-" + kId + ".scope",
                  "kubepods-burstable-pod" + kUidSystemd + ".slice"));
}

TEST(CgroupPath, ContainerdKubernetesCgroupfsDriverBesteffort) {
  // No runtime prefix under the cgroupfs driver: the path cannot tell containerd from dockershim.
  EXPECT_EQ(parse_cgroup_path("/kubepods/besteffort/pod" + kUid + "/" + kId2),
            owner("cri", kId2, kUid, "besteffort"));
}

TEST(CgroupPath, GuaranteedPodsSitDirectlyUnderKubepods) {
  EXPECT_EQ(parse_cgroup_path("/kubepods/pod" + kUid + "/" + kId2).qos, "guaranteed");
  CgroupOwner o = parse_cgroup_path("/kubepods.slice/kubepods-pod" + kUidSystemd + ".slice/crio-" +
                                    kId + ".scope");
  EXPECT_EQ(o.runtime, "cri-o");
  EXPECT_EQ(o.pod_uid, kUid);
  EXPECT_EQ(o.qos, "guaranteed");
}

TEST(CgroupPath, CrioBothDriversAndItsMonitor) {
  EXPECT_EQ(parse_cgroup_path("/kubepods/besteffort/pod" + kUid + "/crio-" + kId),
            owner("cri-o", kId, kUid, "besteffort"));
  CgroupOwner conmon = parse_cgroup_path(
      "/kubepods.slice/kubepods-besteffort.slice/"
      "kubepods-besteffort-pod" +
      kUidSystemd + ".slice/crio-conmon-" + kId + ".scope");
  EXPECT_EQ(conmon.runtime, "cri-o");
  EXPECT_EQ(conmon.container_id, kId);
  EXPECT_TRUE(conmon.monitor);
  EXPECT_EQ(conmon.qos, "besteffort");
}

TEST(CgroupPath, PodmanRootfulRootlessCgroupfsAndConmon) {
  EXPECT_EQ(parse_cgroup_path("/machine.slice/libpod-" + kId + ".scope"),
            owner("podman", kId, "", "", "libpod-" + kId + ".scope", "machine.slice"));
  // podman 4 moves the container's processes into a "container" child of its scope.
  EXPECT_EQ(parse_cgroup_path("/machine.slice/libpod-" + kId + ".scope/container").container_id,
            kId);
  CgroupOwner rootless = parse_cgroup_path(
      "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope");
  EXPECT_EQ(rootless.runtime, "podman");
  EXPECT_EQ(rootless.slice, "user.slice");
  EXPECT_EQ(parse_cgroup_path("/libpod_parent/libpod-" + kId), owner("podman", kId));
  CgroupOwner conmon = parse_cgroup_path("/machine.slice/libpod-conmon-" + kId + ".scope");
  EXPECT_EQ(conmon.runtime, "podman");
  EXPECT_TRUE(conmon.monitor);
}

TEST(CgroupPath, SystemdUnitsAndSlices) {
  EXPECT_EQ(parse_cgroup_path("/system.slice/cron.service"),
            owner("", "", "", "", "cron.service", "system.slice"));
  EXPECT_EQ(parse_cgroup_path("/user.slice/user-1000.slice/session-3.scope"),
            owner("", "", "", "", "session-3.scope", "user-1000.slice"));
  EXPECT_EQ(parse_cgroup_path("/system.slice/system-getty.slice/getty@tty1.service").unit,
            "getty@tty1.service");
  EXPECT_EQ(parse_cgroup_path("/init.scope").unit, "init.scope");
  EXPECT_TRUE(parse_cgroup_path("/").empty());
  EXPECT_TRUE(parse_cgroup_path("").empty());
}

TEST(CgroupPath, NestedContainersInnermostWins) {
  // kind: a Kubernetes node is itself a docker container.
  std::string node = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  CgroupOwner o =
      parse_cgroup_path("/docker/" + node + "/kubelet/kubepods/burstable/pod" + kUid + "/" + kId2);
  EXPECT_EQ(o, owner("cri", kId2, kUid, "burstable"));
  EXPECT_EQ(parse_cgroup_path("/docker/" + node + "/docker/" + kId).container_id, kId);
  // kind on cgroup v2 with a custom cgroup root.
  CgroupOwner v2 = parse_cgroup_path(
      "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
      "kubelet-kubepods-besteffort-pod" +
      kUidSystemd + ".slice/cri-containerd-" + kId + ".scope");
  EXPECT_EQ(v2.runtime, "containerd");
  EXPECT_EQ(v2.pod_uid, kUid);
  EXPECT_EQ(v2.qos, "besteffort");
}

TEST(CgroupPath, SeenThroughACgroupNamespace) {
  // A DaemonSet pod with its own cgroup namespace sees other pods' paths relative to its own.
  CgroupOwner o = parse_cgroup_path("/../../../kubepods-besteffort.slice/kubepods-besteffort-pod" +
                                    kUidSystemd + ".slice/cri-containerd-" + kId + ".scope");
  EXPECT_EQ(o.runtime, "containerd");
  EXPECT_EQ(o.pod_uid, kUid);
  EXPECT_EQ(o.qos, "besteffort");
}

TEST(CgroupPath, LxcPayloadAndLegacyLayout) {
  EXPECT_EQ(parse_cgroup_path("/lxc.payload.web1").container_id, "web1");
  EXPECT_EQ(parse_cgroup_path("/lxc/web1").runtime, "lxc");
  EXPECT_TRUE(parse_cgroup_path("/lxc.monitor.web1").monitor);
}

TEST(CgroupPath, NotContainers) {
  // Too short, upper case, or not hex: no id (runtimes write 64 lower-case hex digits).
  EXPECT_EQ(parse_cgroup_path("/system.slice/docker-abc.scope").container_id, "");
  EXPECT_EQ(parse_cgroup_path("/docker/" + std::string(64, 'F')).container_id, "");
  EXPECT_EQ(parse_cgroup_path("/system.slice/docker.service"),
            owner("", "", "", "", "docker.service", "system.slice"));
  // A 64-hex directory outside any runtime's layout is an id without a runtime.
  EXPECT_EQ(parse_cgroup_path("/" + kId), owner("", kId));
  EXPECT_EQ(parse_cgroup_path("/process_api/f72f6a831f054f1900714c27c7768aaa").container_id, "");
}

TEST(ProcCgroup, PicksTheLineThatNamesAContainer) {
  // cgroup v1 (Debian 9 docker): every controller line names the container.
  std::string v1 = "10:net_prio:/docker/" + kId + "\n4:memory:/docker/" + kId +
                   "\n1:name=systemd:/docker/" + kId + "\n";
  EXPECT_EQ(cgroup_path_of(v1), "/docker/" + kId);
  // hybrid: the unified line is "/" while the v1 controllers name the container.
  std::string hybrid = "12:pids:/system.slice/docker-" + kId + ".scope\n0::/\n";
  EXPECT_EQ(cgroup_path_of(hybrid), "/system.slice/docker-" + kId + ".scope");
  // v2 only.
  EXPECT_EQ(cgroup_path_of("0::/system.slice/cron.service\n"), "/system.slice/cron.service");
}

TEST(ProcCgroup, WithoutContainersPrefersUnifiedThenSystemd) {
  // A v1 sandbox: memory is in a private group, the rest at the root.
  std::string sandbox =
      "9:name=systemd:/\n4:memory:/process_api/f72f6a831f054f1900714c27c7768aaa\n0::/\n";
  EXPECT_EQ(cgroup_path_of(sandbox), "/");
  EXPECT_EQ(cgroup_path_of("1:name=systemd:/user.slice/user-0.slice/session-1.scope\n0::/\n"),
            "/user.slice/user-0.slice/session-1.scope");
  EXPECT_EQ(cgroup_path_of("3:cpu:/a\n2:memory:/b\n"), "/a");
  EXPECT_EQ(cgroup_path_of(""), "");
  EXPECT_EQ(cgroup_path_of("garbage\n"), "");
}

TEST(ContainerLabel, ShortIdsAndPods) {
  EXPECT_EQ(container_label(owner("docker", kId)), "docker:9ec39b91f3d7");
  EXPECT_EQ(container_label(owner("", kId)), "container:9ec39b91f3d7");
  EXPECT_EQ(container_label(owner("", "", kUid, "burstable")), "kubernetes:pod" + kUid);
  EXPECT_EQ(container_label(owner("", "", "", "", "cron.service", "system.slice")), "");
  EXPECT_EQ(short_container_id("abc"), "abc");
}

TEST(ContainerLabel, ReadBackFromSnapshotsThatCarryOnlyTheLabel) {
  EXPECT_EQ(owner_from_container_label("docker:9ec39b91f3d7"), owner("docker", "9ec39b91f3d7"));
  EXPECT_EQ(owner_from_container_label("container:9ec39b91f3d7"), owner("", "9ec39b91f3d7"));
  EXPECT_EQ(owner_from_container_label("kubernetes:pod" + kUid).pod_uid, kUid);
  EXPECT_TRUE(owner_from_container_label("").empty());
  EXPECT_TRUE(owner_from_container_label("docker").empty());
}

}  // namespace
}  // namespace hangscope::kernel
