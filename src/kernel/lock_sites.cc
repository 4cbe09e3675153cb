// Lookups over the knowledge table.
#include "kernel/lock_sites.h"

namespace hangscope::kernel {

const LockSite* find_site(std::string_view function, SiteRole role) {
  for (const auto& site : lock_sites()) {
    if (site.role == role && site.function == function) return &site;
  }
  return nullptr;
}

const LockSite* find_wait_site(const std::vector<model::StackFrame>& stack) {
  for (const auto& frame : stack) {
    if (!frame.reliable) continue;
    if (const LockSite* site = find_site(frame.symbol, SiteRole::waits)) return site;
  }
  return nullptr;
}

std::vector<const LockSite*> find_held_sites(const std::vector<model::StackFrame>& stack) {
  std::vector<const LockSite*> held;
  for (const auto& frame : stack) {
    if (!frame.reliable) continue;
    if (const LockSite* site = find_site(frame.symbol, SiteRole::holds)) held.push_back(site);
  }
  return held;
}

std::string_view fuse_opcode_on(const std::vector<model::StackFrame>& stack) {
  for (const auto& frame : stack) {
    for (const auto& site : lock_sites()) {
      if (site.kind == model::LockKind::fuse_request && !site.detail.empty() &&
          site.function == frame.symbol)
        return site.detail;
    }
  }
  return {};
}

}  // namespace hangscope::kernel
