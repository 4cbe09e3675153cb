#include "collect/object_records.h"

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <string>

namespace hangscope::collect {

namespace {

std::string cstr(const char* s, size_t n) { return std::string(s, strnlen(s, n)); }

}  // namespace

model::SuperBlock super_block_from_record(const hs_super_block& s) {
  model::SuperBlock sb;
  sb.addr = s.addr;
  sb.s_id = cstr(s.s_id, sizeof s.s_id);
  sb.fs_type = cstr(s.fs_type, sizeof s.fs_type);
  sb.dev = s.s_dev;
  sb.s_umount_addr = s.s_umount_addr;
  sb.s_writers_addr = s.s_writers_addr;
  sb.frozen = s.frozen;
  return sb;
}

void add_file_holders(const std::vector<hs_file_hold>& holds, model::Snapshot& snap) {
  std::map<__u64, std::set<int>> fuse, uffd;
  for (const auto& h : holds)
    (h.kind == HS_HOLD_FUSE_DEV ? fuse : uffd)[h.key].insert(static_cast<int>(h.tgid));
  for (const auto& [dev, pids] : fuse) {
    model::FuseConn c;
    c.id = static_cast<std::uint32_t>(dev);
    c.daemon_pids.assign(pids.begin(), pids.end());
    c.abort_path = fmt::format("/sys/fs/fuse/connections/{}/abort", c.id);
    snap.fuse_conns.push_back(std::move(c));
  }
  for (const auto& [ctx, pids] : uffd)
    snap.userfaultfds.push_back({ctx, std::vector<int>(pids.begin(), pids.end())});
}

model::Wait userfaultfd_wait(std::uint64_t ctx) {
  model::Wait w;
  w.kind = model::LockKind::userfaultfd;
  w.mode = model::LockMode::exclusive;
  w.object_type = model::ObjectType::userfaultfd;
  w.object_addr = ctx;
  w.confidence = model::Confidence::certain;
  w.how_found = "userfaultfd_ctx fault wait queue";
  w.wait_function = "handle_userfault";
  return w;
}

std::optional<model::Inode> inode_of_lock(const hs_task_full& f, const std::set<__u64>& sb_addrs,
                                          std::uint64_t lock) {
  if (!sb_addrs.count(f.cand_inode_sb)) return std::nullopt;
  return model::Inode{f.cand_inode, f.cand_inode_ino, f.cand_inode_sb,
                      cstr(f.cand_name, sizeof f.cand_name), lock};
}

std::optional<model::MmStruct> mm_of_lock(const std::vector<hs_task_full>& fulls,
                                          const std::vector<hs_task_brief>& briefs,
                                          std::uint64_t lock) {
  for (const auto& g : fulls) {
    if (g.mmap_lock_addr != lock) continue;
    model::MmStruct mm{g.b.mm_addr, g.mmap_lock_addr, {}};
    std::set<int> tgids;
    for (const auto& b : briefs) {
      if (b.mm_addr == g.b.mm_addr) tgids.insert(static_cast<int>(b.tgid));
    }
    mm.tgids.assign(tgids.begin(), tgids.end());
    return mm;
  }
  return std::nullopt;
}

}  // namespace hangscope::collect
