// A task's container, pod and systemd unit (kernel::CgroupOwner) as words and as JSON, for
// every task line of the reports.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "kernel/cgroup_path.h"

namespace hangscope::report {

/// "docker 9ec39b91f3d7", "containerd 9ec39b91f3d7, pod 63b3ebfc-... burstable",
/// "podman conmon of 9ec39b91f3d7", "cron.service" (a unit when no container or pod names the
/// task), "user.slice" (a slice without a unit); "" for the root cgroup. Escaped for terminals.
std::string cgroup_owner_text(const kernel::CgroupOwner& o);

/// {"runtime", "container_id", "pod_uid", "qos", "unit", "slice", "monitor"} with only the
/// fields the path gave (monitor only when true); an empty object when nothing was recognised.
nlohmann::json cgroup_owner_json(const kernel::CgroupOwner& o);

}  // namespace hangscope::report
