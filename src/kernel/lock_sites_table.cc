// Rows of the knowledge table. Add a row to teach hangscope a lock site; no code changes.
// Each row cites the kernel source where the lock is taken (paths as of Linux 6.18 unless noted).
#include "kernel/lock_sites.h"

namespace hangscope::kernel {

namespace {

using model::LockKind;
using model::LockMode;
using model::ObjectType;
constexpr auto W = SiteRole::waits;
constexpr auto H = SiteRole::holds;

// clang-format off
constexpr LockSite kSites[] = {
  // --- super_block.s_umount (rw-semaphore) ---
  {"super_lock", W, LockKind::rwsem, LockMode::read, "s_umount", ObjectType::super_block, "", "fs/super.c:super_lock (6.6+)"},
  {"super_lock_shared", W, LockKind::rwsem, LockMode::read, "s_umount", ObjectType::super_block, "", "fs/super.c:super_lock_shared (6.6+)"},
  {"__iterate_supers", W, LockKind::rwsem, LockMode::read, "s_umount", ObjectType::super_block, "", "fs/super.c:__iterate_supers (6.15+)"},
  {"iterate_supers", W, LockKind::rwsem, LockMode::read, "s_umount", ObjectType::super_block, "", "fs/super.c:iterate_supers down_read(&sb->s_umount)"},
  {"iterate_supers_type", W, LockKind::rwsem, LockMode::read, "s_umount", ObjectType::super_block, "", "fs/super.c:iterate_supers_type"},
  {"user_get_super", W, LockKind::rwsem, LockMode::read, "s_umount", ObjectType::super_block, "", "fs/super.c:user_get_super"},
  {"get_active_super", W, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:get_active_super"},
  {"grab_super", W, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:grab_super down_write"},
  {"deactivate_super", W, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:deactivate_super down_write"},
  {"do_remount", W, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/namespace.c:do_remount"},
  {"deactivate_locked_super", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:deactivate_locked_super (called with s_umount held)"},
  {"vfs_get_super", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:vfs_get_super (5.1-5.x) fill_super under new sb's s_umount"},
  {"sget_fc", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:sget_fc returns the new sb with s_umount held"},
  {"sget", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:sget"},
  {"alloc_super", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:alloc_super down_write_nested"},
  {"get_tree_nodev", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:get_tree_nodev -> vfs_get_super"},
  {"get_tree_single", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:get_tree_single -> vfs_get_super"},
  {"get_tree_bdev", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:get_tree_bdev fill_super under s_umount"},
  {"get_tree_bdev_flags", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:get_tree_bdev_flags (6.12+)"},
  {"mount_bdev", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:mount_bdev"},
  {"mount_nodev", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:mount_nodev"},
  {"freeze_super", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:freeze_super"},
  {"thaw_super", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:thaw_super"},
  {"reconfigure_super", H, LockKind::rwsem, LockMode::write, "s_umount", ObjectType::super_block, "", "fs/super.c:reconfigure_super (called with s_umount held)"},
  // --- super_block.s_writers (percpu rw-semaphores; frozen filesystems) ---
  {"percpu_rwsem_wait", W, LockKind::percpu_rwsem, LockMode::read, "sb_writers", ObjectType::super_block, "", "kernel/locking/percpu-rwsem.c:percpu_rwsem_wait"},
  {"__percpu_down_read", W, LockKind::percpu_rwsem, LockMode::read, "sb_writers", ObjectType::super_block, "", "kernel/locking/percpu-rwsem.c:__percpu_down_read"},
  {"__sb_start_write", W, LockKind::percpu_rwsem, LockMode::read, "sb_writers", ObjectType::super_block, "", "include/linux/fs.h:__sb_start_write"},
  {"sb_start_write", W, LockKind::percpu_rwsem, LockMode::read, "sb_writers", ObjectType::super_block, "", "include/linux/fs.h:sb_start_write"},
  {"mnt_want_write", W, LockKind::percpu_rwsem, LockMode::read, "sb_writers", ObjectType::super_block, "", "fs/namespace.c:mnt_want_write -> sb_start_write"},
  {"mnt_want_write_file", W, LockKind::percpu_rwsem, LockMode::read, "sb_writers", ObjectType::super_block, "", "fs/namespace.c:mnt_want_write_file"},
  {"file_start_write", W, LockKind::percpu_rwsem, LockMode::read, "sb_writers", ObjectType::super_block, "", "include/linux/fs.h:file_start_write"},
  // --- inode.i_rwsem ---
  {"fuse_file_write_iter", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "fs/fuse/file.c:fuse_cache_write_iter inode_lock"},
  {"fuse_cache_write_iter", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "fs/fuse/file.c:fuse_cache_write_iter inode_lock"},
  {"do_truncate", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "fs/open.c:do_truncate inode_lock"},
  {"generic_file_write_iter", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "mm/filemap.c:generic_file_write_iter inode_lock"},
  {"ext4_buffered_write_iter", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "fs/ext4/file.c:ext4_buffered_write_iter inode_lock"},
  {"shmem_file_write_iter", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "mm/shmem.c:shmem_file_write_iter inode_lock"},
  {"filename_create", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "parent directory", "fs/namei.c:filename_create inode_lock_nested(parent)"},
  {"lookup_slow", W, LockKind::rwsem, LockMode::read, "i_rwsem", ObjectType::inode, "parent directory", "fs/namei.c:lookup_slow inode_lock_shared"},
  {"open_last_lookups", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "parent directory", "fs/namei.c:open_last_lookups inode_lock (O_CREAT)"},
  {"do_unlinkat", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "parent directory", "fs/namei.c:do_unlinkat"},
  {"do_rmdir", W, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "parent directory", "fs/namei.c:do_rmdir"},
  {"iterate_dir", W, LockKind::rwsem, LockMode::read, "i_rwsem", ObjectType::inode, "directory", "fs/readdir.c:iterate_dir"},
  {"fuse_perform_write", H, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "fs/fuse/file.c:fuse_perform_write (caller holds inode_lock)"},
  {"generic_perform_write", H, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "mm/filemap.c:generic_perform_write (callers hold inode_lock)"},
  {"fuse_do_setattr", H, LockKind::rwsem, LockMode::write, "i_rwsem", ObjectType::inode, "", "fs/fuse/dir.c:fuse_do_setattr (notify_change holds inode_lock)"},
  // --- mm_struct.mmap_lock ---
  {"lock_mm_and_find_vma", W, LockKind::rwsem, LockMode::read, "mmap_lock", ObjectType::mm, "own mm", "mm/memory.c:lock_mm_and_find_vma mmap_read_lock_killable"},
  {"do_user_addr_fault", W, LockKind::rwsem, LockMode::read, "mmap_lock", ObjectType::mm, "own mm", "arch/x86/mm/fault.c:do_user_addr_fault"},
  {"vm_mmap_pgoff", W, LockKind::rwsem, LockMode::write, "mmap_lock", ObjectType::mm, "own mm", "mm/util.c:vm_mmap_pgoff mmap_write_lock_killable"},
  {"__vm_munmap", W, LockKind::rwsem, LockMode::write, "mmap_lock", ObjectType::mm, "own mm", "mm/vma.c:__vm_munmap mmap_write_lock_killable"},
  {"do_mprotect_pkey", W, LockKind::rwsem, LockMode::write, "mmap_lock", ObjectType::mm, "own mm", "mm/mprotect.c:do_mprotect_pkey"},
  {"__access_remote_vm", W, LockKind::rwsem, LockMode::read, "mmap_lock", ObjectType::mm, "another process's mm", "mm/memory.c:__access_remote_vm mmap_read_lock_killable"},
  {"exc_page_fault", H, LockKind::rwsem, LockMode::read, "mmap_lock", ObjectType::mm, "own mm", "arch/x86/mm/fault.c (fault path may hold mmap_lock or a VMA lock)"},
  // --- FUSE requests: wait for the daemon's answer ---
  {"request_wait_answer", W, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "", "fs/fuse/dev.c:request_wait_answer"},
  {"fuse_send_destroy", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "DESTROY", "fs/fuse/inode.c:fuse_send_destroy"},
  {"fuse_perform_write", W, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "WRITE", "fs/fuse/file.c:fuse_send_write_pages"},
  {"fuse_do_getattr", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "GETATTR", "fs/fuse/dir.c:fuse_do_getattr"},
  {"fuse_lookup_name", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "LOOKUP", "fs/fuse/dir.c:fuse_lookup_name"},
  {"fuse_flush", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "FLUSH", "fs/fuse/file.c:fuse_flush"},
  {"fuse_do_open", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "OPEN", "fs/fuse/file.c:fuse_do_open"},
  {"fuse_do_setattr", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "SETATTR", "fs/fuse/dir.c:fuse_do_setattr"},
  {"fuse_readahead", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "READ", "fs/fuse/file.c:fuse_readahead"},
  {"fuse_read_folio", H, LockKind::fuse_request, LockMode::exclusive, "fuse request", ObjectType::fuse_conn, "READ", "fs/fuse/file.c:fuse_read_folio"},
  // --- userfaultfd ---
  {"handle_userfault", W, LockKind::userfaultfd, LockMode::exclusive, "userfaultfd", ObjectType::userfaultfd, "", "fs/userfaultfd.c:handle_userfault"},
  // --- pipes ---
  {"pipe_write", W, LockKind::mutex, LockMode::exclusive, "pipe->mutex", ObjectType::none, "", "fs/pipe.c:pipe_write __pipe_lock"},
  {"pipe_read", W, LockKind::mutex, LockMode::exclusive, "pipe->mutex", ObjectType::none, "", "fs/pipe.c:pipe_read __pipe_lock"},
  {"copy_page_from_iter", H, LockKind::mutex, LockMode::exclusive, "pipe->mutex", ObjectType::none, "when called from pipe_write", "fs/pipe.c:pipe_write"},
  // --- named globals ---
  {"rtnl_lock", W, LockKind::mutex, LockMode::exclusive, "rtnl_mutex", ObjectType::global, "", "net/core/rtnetlink.c:rtnl_lock"},
  {"rtnl_lock_killable", W, LockKind::mutex, LockMode::exclusive, "rtnl_mutex", ObjectType::global, "", "net/core/rtnetlink.c:rtnl_lock_killable"},
  {"cgroup_lock", W, LockKind::mutex, LockMode::exclusive, "cgroup_mutex", ObjectType::global, "", "include/linux/cgroup.h:cgroup_lock"},
  {"console_lock", W, LockKind::semaphore, LockMode::exclusive, "console_sem", ObjectType::global, "", "kernel/printk/printk.c:console_lock"},
  // --- page/folio locks, I/O, completions ---
  {"folio_wait_bit_common", W, LockKind::folio_lock, LockMode::exclusive, "folio lock", ObjectType::none, "", "mm/filemap.c:folio_wait_bit_common"},
  {"__folio_lock", W, LockKind::folio_lock, LockMode::exclusive, "folio lock", ObjectType::none, "", "mm/filemap.c:__folio_lock"},
  {"folio_wait_writeback", W, LockKind::io, LockMode::unknown, "writeback", ObjectType::none, "", "mm/page-writeback.c:folio_wait_writeback"},
  {"io_schedule", W, LockKind::io, LockMode::unknown, "I/O", ObjectType::none, "", "kernel/sched/core.c:io_schedule"},
  {"blk_mq_get_tag", W, LockKind::io, LockMode::unknown, "request tag", ObjectType::none, "", "block/blk-mq-tag.c:blk_mq_get_tag"},
  {"jbd2_log_wait_commit", W, LockKind::io, LockMode::unknown, "jbd2 commit", ObjectType::none, "", "fs/jbd2/journal.c:jbd2_log_wait_commit"},
  {"wait_for_completion", W, LockKind::completion, LockMode::unknown, "completion", ObjectType::none, "", "kernel/sched/completion.c"},
  {"wait_for_completion_killable", W, LockKind::completion, LockMode::unknown, "completion", ObjectType::none, "", "kernel/sched/completion.c"},
  {"wait_for_completion_timeout", W, LockKind::completion, LockMode::unknown, "completion", ObjectType::none, "", "kernel/sched/completion.c"},
};
// clang-format on

}  // namespace

std::span<const LockSite> lock_sites() { return kSites; }

}  // namespace hangscope::kernel
