#include "kernel/stack_context.h"

namespace hangscope::kernel {

std::string_view filesystem_of(const std::vector<model::StackFrame>& stack) {
  static constexpr std::string_view kPrefixes[] = {
      "fuse_", "ext4_", "xfs_",  "btrfs_", "shmem_", "nfs_", "nfs4_", "f2fs_", "ovl_",
      "ceph_", "cifs_", "smb2_", "gfs2_",  "ocfs2_", "jfs_", "vfat_", "fat_",  "hugetlbfs_"};
  for (const auto& f : stack) {
    for (std::string_view p : kPrefixes) {
      if (std::string_view(f.symbol).substr(0, p.size()) == p) return p.substr(0, p.size() - 1);
    }
  }
  return {};
}

bool loads_a_module(const std::vector<model::StackFrame>& stack) {
  for (const auto& f : stack)
    if (f.symbol == "do_init_module" || f.symbol == "load_module") return true;
  return false;
}

}  // namespace hangscope::kernel
