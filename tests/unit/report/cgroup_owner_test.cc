// Container, pod and unit attribution in the task lines of the text and JSON reports.
#include "report/cgroup_owner.h"

#include <gtest/gtest.h>

#include "report/json_report.h"
#include "report/text_report.h"

namespace hangscope::report {
namespace {

const std::string kId = "9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d";

TEST(CgroupOwnerText, ContainerPodUnitOrNothing) {
  using kernel::parse_cgroup_path;
  EXPECT_EQ(cgroup_owner_text(parse_cgroup_path("/docker/" + kId)), "docker 9ec39b91f3d7");
  EXPECT_EQ(cgroup_owner_text(parse_cgroup_path(
                "/kubepods.slice/kubepods-burstable.slice/"
                "kubepods-burstable-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/cri-containerd-" +
                kId + ".scope")),
            "containerd 9ec39b91f3d7, pod 63b3ebfc-2890-11e9-8154-16bf8ef8d9dc burstable");
  EXPECT_EQ(cgroup_owner_text(parse_cgroup_path("/machine.slice/libpod-conmon-" + kId + ".scope")),
            "podman conmon of 9ec39b91f3d7");
  EXPECT_EQ(cgroup_owner_text(parse_cgroup_path("/system.slice/cron.service")), "cron.service");
  EXPECT_EQ(cgroup_owner_text(parse_cgroup_path("/user.slice")), "user.slice");
  EXPECT_EQ(cgroup_owner_text(parse_cgroup_path("/")), "");
  // Unit names come from the file system: control bytes are escaped.
  EXPECT_EQ(cgroup_owner_text(parse_cgroup_path("/system.slice/a\x1b[2J.service")),
            "a\\e[2J.service");
}

TEST(CgroupOwnerJson, OnlyTheFieldsThePathGave) {
  auto j = cgroup_owner_json(kernel::parse_cgroup_path("/system.slice/docker-" + kId + ".scope"));
  EXPECT_EQ(j["runtime"], "docker");
  EXPECT_EQ(j["container_id"], kId);
  EXPECT_EQ(j["slice"], "system.slice");
  EXPECT_FALSE(j.contains("pod_uid"));
  EXPECT_FALSE(j.contains("monitor"));
  EXPECT_TRUE(cgroup_owner_json(kernel::CgroupOwner{}).empty());
}

TEST(CgroupOwnerReports, EveryTaskLineCarriesIt) {
  analyze::Findings f;
  analyze::Chain c;
  c.stuck = {10, "sync", model::TaskState::disk_sleep, 2.0, true, "", "", {}};
  c.stuck.cgroup = kernel::parse_cgroup_path("/system.slice/cron.service");
  analyze::Hop h;
  h.waiter = c.stuck;
  h.wait.kind = model::LockKind::rwsem;
  analyze::TaskRef holder{11, "umount", model::TaskState::disk_sleep, 3.0, true, "", "", {}};
  holder.cgroup = kernel::parse_cgroup_path("/docker/" + kId);
  h.holders.push_back(holder);
  c.hops.push_back(h);
  f.chains.push_back(c);
  std::string text = render_text(f);
  EXPECT_NE(text.find("sync (pid 10, in cron.service)"), std::string::npos) << text;
  EXPECT_NE(text.find("umount (pid 11, in docker 9ec39b91f3d7)"), std::string::npos) << text;
  auto j = findings_to_json(f, model::Snapshot{});
  const auto& hop = j["chains"][0]["hops"][0];
  EXPECT_EQ(hop["waiter"]["cgroup"]["unit"], "cron.service");
  EXPECT_FALSE(hop["waiter"].contains("container"));
  EXPECT_EQ(hop["holders"][0]["container"], "docker:9ec39b91f3d7");
  EXPECT_EQ(hop["holders"][0]["cgroup"]["runtime"], "docker");
}

}  // namespace
}  // namespace hangscope::report
