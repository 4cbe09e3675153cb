#include "analyze/objects.h"

#include <fmt/format.h>

namespace hangscope::analyze {

namespace {

std::string join_ints(const std::vector<int>& v) {
  std::string out;
  for (int x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

std::string join_strings(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

std::string format_dev(std::uint32_t dev) { return fmt::format("{}:{}", dev >> 20, dev & 0xfffff); }

ObjectRef describe_super_block(const model::SuperBlock& sb) {
  ObjectRef o;
  o.type = model::ObjectType::super_block;
  std::string where =
      sb.mount_points.empty() ? "not mounted" : "mounted on " + join_strings(sb.mount_points);
  o.summary = fmt::format("super_block {} ({}, {})", sb.s_id, sb.fs_type, where);
  o.fields = {{"s_id", sb.s_id}, {"fs_type", sb.fs_type}};
  if (sb.dev.known()) o.fields.emplace_back("dev", format_dev(*sb.dev));
  o.fields.emplace_back("mount_points", join_strings(sb.mount_points));
  if (sb.frozen.known()) o.fields.emplace_back("frozen", std::to_string(*sb.frozen));
  o.fields.emplace_back("addr", fmt::format("{:#x}", sb.addr));
  return o;
}

ObjectRef describe_inode(const model::Inode& inode, const SnapshotIndex& idx) {
  ObjectRef o;
  o.type = model::ObjectType::inode;
  const model::SuperBlock* sb =
      inode.sb_addr.known() ? idx.super_block_by_addr(*inode.sb_addr) : nullptr;
  std::string ino = inode.ino.known() ? std::to_string(*inode.ino) : "?";
  o.summary = fmt::format("inode {}", ino);
  if (!inode.name.empty()) o.summary += fmt::format(" \"{}\"", inode.name);
  if (sb) {
    o.summary += fmt::format(" on {} ({}", sb->s_id, sb->fs_type);
    if (!sb->mount_points.empty()) o.summary += ", mounted on " + join_strings(sb->mount_points);
    o.summary += ")";
  }
  o.fields = {{"ino", ino}, {"name", inode.name}};
  if (sb) {
    o.fields.emplace_back("s_id", sb->s_id);
    o.fields.emplace_back("fs_type", sb->fs_type);
    o.fields.emplace_back("mount_points", join_strings(sb->mount_points));
  }
  o.fields.emplace_back("addr", fmt::format("{:#x}", inode.addr));
  return o;
}

ObjectRef describe_mm(const model::MmStruct& mm, const SnapshotIndex& idx) {
  ObjectRef o;
  o.type = model::ObjectType::mm;
  std::string who;
  for (int tgid : mm.tgids) {
    const model::Task* t = idx.task_by_pid(tgid);
    who += (who.empty() ? "" : ", ") +
           (t ? fmt::format("{} (pid {})", t->comm, tgid) : fmt::format("pid {}", tgid));
  }
  o.summary = "mm_struct of " + (who.empty() ? std::string("an unknown process") : who);
  o.fields = {{"tgids", join_ints(mm.tgids)}, {"addr", fmt::format("{:#x}", mm.addr)}};
  return o;
}

ObjectRef describe_fuse_conn(std::uint32_t id, const model::FuseConn* conn) {
  ObjectRef o;
  o.type = model::ObjectType::fuse_conn;
  o.summary = fmt::format("FUSE connection {}", id);
  std::string abort = conn && !conn->abort_path.empty()
                          ? conn->abort_path
                          : fmt::format("/sys/fs/fuse/connections/{}/abort", id);
  o.fields = {{"id", std::to_string(id)},
              {"daemons", conn ? join_ints(conn->daemon_pids) : ""},
              {"abort", abort}};
  return o;
}

ObjectRef describe_userfaultfd(const model::Userfaultfd& uffd) {
  ObjectRef o;
  o.type = model::ObjectType::userfaultfd;
  o.summary = fmt::format("userfaultfd context {:#x}", uffd.ctx_addr);
  o.fields = {{"handlers", join_ints(uffd.handler_pids)},
              {"addr", fmt::format("{:#x}", uffd.ctx_addr)}};
  return o;
}

ObjectRef describe_global(std::string_view name) {
  ObjectRef o;
  o.type = model::ObjectType::global;
  o.summary = fmt::format("global lock {}", name);
  o.fields = {{"name", std::string(name)}};
  return o;
}

ObjectRef resolve_object(model::Wait& wait, const model::Task& waiter, const SnapshotIndex& idx) {
  const auto& snap = idx.snapshot();
  if (wait.lock_addr.known()) {
    std::uint64_t a = *wait.lock_addr;
    if (const auto* sb = idx.super_block_by_lock(a)) {
      wait.object_type = model::ObjectType::super_block;
      wait.object_addr = sb->addr;
      if (wait.lock_name.empty())
        wait.lock_name = sb->s_umount_addr.value_or(0) == a ? "s_umount" : "sb_writers";
      return describe_super_block(*sb);
    }
    if (const auto* inode = idx.inode_by_lock(a)) {
      wait.object_type = model::ObjectType::inode;
      wait.object_addr = inode->addr;
      if (wait.lock_name.empty()) wait.lock_name = "i_rwsem";
      return describe_inode(*inode, idx);
    }
    if (const auto* mm = idx.mm_by_lock(a)) {
      wait.object_type = model::ObjectType::mm;
      wait.object_addr = mm->addr;
      if (wait.lock_name.empty()) wait.lock_name = "mmap_lock";
      return describe_mm(*mm, idx);
    }
    if (const auto* g = idx.global(a)) {
      wait.object_type = model::ObjectType::global;
      if (wait.lock_name.empty()) wait.lock_name = g->name;
      return describe_global(g->name);
    }
  }
  if (wait.kind == model::LockKind::fuse_request && wait.fuse_conn.known()) {
    return describe_fuse_conn(*wait.fuse_conn, idx.fuse_conn(*wait.fuse_conn));
  }
  if (wait.kind == model::LockKind::userfaultfd && wait.object_addr.known()) {
    if (const auto* u = idx.userfaultfd(*wait.object_addr)) return describe_userfaultfd(*u);
  }
  if (wait.kind == model::LockKind::percpu_rwsem &&
      wait.object_type == model::ObjectType::super_block) {
    // No address (percpu waits set no blocker): a frozen super_block is the likely object.
    const model::SuperBlock* frozen = nullptr;
    int n = 0;
    for (const auto& sb : snap.super_blocks) {
      if (sb.frozen.value_or(0) != 0) {
        frozen = &sb;
        ++n;
      }
    }
    if (n == 1) {
      wait.object_addr = frozen->addr;
      return describe_super_block(*frozen);
    }
  }
  if (wait.kind == model::LockKind::mutex && wait.object_type == model::ObjectType::global &&
      !wait.lock_name.empty()) {
    return describe_global(wait.lock_name);
  }
  (void)waiter;
  ObjectRef none;
  none.type = wait.object_type == model::ObjectType::none ? model::ObjectType::none
                                                          : model::ObjectType::unknown;
  if (!wait.lock_name.empty()) none.summary = wait.lock_name;
  return none;
}

}  // namespace hangscope::analyze
