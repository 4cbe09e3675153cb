// The lock-site knowledge table: its rows are well formed and its lookups read stacks innermost
// first, skipping frames a log marks unreliable.
#include "kernel/lock_sites.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace hangscope::kernel {
namespace {

std::vector<model::StackFrame> stack(std::initializer_list<const char*> symbols) {
  std::vector<model::StackFrame> out;
  for (const char* s : symbols) out.push_back({0, s, 0, "", true});
  return out;
}

TEST(LockSites, EveryRowNamesItsLockAndCitesKernelSource) {
  ASSERT_FALSE(lock_sites().empty());
  std::set<std::pair<std::string_view, SiteRole>> seen_kind_rows;
  for (const LockSite& s : lock_sites()) {
    EXPECT_FALSE(s.function.empty());
    EXPECT_FALSE(s.lock_name.empty()) << s.function;
    EXPECT_FALSE(s.source.empty()) << s.function;
    EXPECT_NE(s.kind, model::LockKind::unknown) << s.function;
    // A function may both hold one lock and wait for another, but never twice in one role
    // with the same lock kind (the first row would hide the second).
    EXPECT_TRUE(seen_kind_rows.insert({s.function, s.role}).second || s.role == SiteRole::holds)
        << s.function;
  }
}

TEST(LockSites, WaitSiteIsTheInnermostKnownFrame) {
  auto s = stack({"schedule", "rwsem_down_read_slowpath", "iterate_supers", "ksys_sync"});
  const LockSite* site = find_wait_site(s);
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->function, "iterate_supers");
  EXPECT_EQ(site->lock_name, "s_umount");
  EXPECT_EQ(site->mode, model::LockMode::read);
  EXPECT_EQ(find_wait_site(stack({"schedule", "ksys_read"})), nullptr);
}

TEST(LockSites, UnreliableFramesAreSkipped) {
  auto s = stack({"request_wait_answer", "iterate_supers"});
  s[0].reliable = false;
  const LockSite* site = find_wait_site(s);
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->function, "iterate_supers");
}

TEST(LockSites, HeldSitesAreAllHoldRowsInnermostFirst) {
  auto held = find_held_sites(
      stack({"request_wait_answer", "fuse_send_destroy", "deactivate_locked_super", "sget_fc"}));
  ASSERT_EQ(held.size(), 3u);
  EXPECT_EQ(held[0]->function, "fuse_send_destroy");
  EXPECT_EQ(held[1]->function, "deactivate_locked_super");
  EXPECT_EQ(held[1]->lock_name, "s_umount");
  EXPECT_EQ(held[1]->mode, model::LockMode::write);
  EXPECT_EQ(held[2]->function, "sget_fc");
}

TEST(LockSites, FindSiteMatchesTheExactSymbolAndRole) {
  EXPECT_NE(find_site("request_wait_answer", SiteRole::waits), nullptr);
  EXPECT_EQ(find_site("request_wait_answer", SiteRole::holds), nullptr);
  EXPECT_EQ(find_site("request_wait", SiteRole::waits), nullptr);
}

TEST(LockSites, FuseOpcodeFromTheInnermostFrameThatNamesOne) {
  EXPECT_EQ(fuse_opcode_on(stack({"request_wait_answer", "fuse_simple_request", "fuse_send_destroy",
                                  "fuse_put_super"})),
            "DESTROY");
  EXPECT_EQ(
      fuse_opcode_on(stack({"request_wait_answer", "fuse_perform_write", "fuse_file_write_iter"})),
      "WRITE");
  EXPECT_EQ(fuse_opcode_on(stack({"request_wait_answer", "fuse_simple_request"})), "");
}

}  // namespace
}  // namespace hangscope::kernel
