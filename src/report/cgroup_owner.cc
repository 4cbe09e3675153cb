#include "report/cgroup_owner.h"

#include "report/escape.h"

namespace hangscope::report {

std::string cgroup_owner_text(const kernel::CgroupOwner& o) {
  std::string s;
  if (!o.container_id.empty()) {
    s = o.runtime.empty() ? "container" : o.runtime;
    if (o.monitor) s += " conmon of";
    s += " " + std::string(kernel::short_container_id(o.container_id));
  }
  if (!o.pod_uid.empty())
    s += (s.empty() ? "" : ", ") + std::string("pod ") + o.pod_uid +
         (o.qos.empty() ? "" : " " + o.qos);
  if (s.empty()) s = !o.unit.empty() ? o.unit : o.slice;
  return escape_text(s);
}

nlohmann::json cgroup_owner_json(const kernel::CgroupOwner& o) {
  nlohmann::json j = nlohmann::json::object();
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("runtime", o.runtime);
  put("container_id", o.container_id);
  put("pod_uid", o.pod_uid);
  put("qos", o.qos);
  put("unit", o.unit);
  put("slice", o.slice);
  if (o.monitor) j["monitor"] = true;
  return j;
}

}  // namespace hangscope::report
