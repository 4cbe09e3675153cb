// SPDX-License-Identifier: GPL-2.0
/* hangscope scan: one pass over every task (iter/task) and every open file (iter/task_file).
 * Blocked (D), stopped (T) and traced (t) tasks, and tasks user space asks for by pid, get a
 * full record: kernel stack, task_struct.blocker with the lock's owner, time since last run.
 * Every other task gets a brief record (pid, task_struct address) so lock owners can be matched.
 * The super_block list is walked once, when the iterator visits the scanning task itself.
 * Waits without a blocker are recovered by recover.bpf.c, loaded only when one is seen. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "scan.h"
#include "lock_owner.bpf.h"
#include "task_lock.bpf.h"
#include "task_maps.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define KERNEL_IMAGE_START 0xffffffff80000000ULL
#define FUSE_DEV_RDEV ((10U << 20) | 229U) /* MKDEV(MISC_MAJOR, FUSE_MINOR) */
#define S_IFMT 00170000
#define S_IFCHR 0020000

const volatile __u32 self_tid = 0; /* the scanning thread: walks super_blocks when visited */


struct hs_super_block sbs[HS_MAX_SB];
__u32 nr_sbs;
__u32 sb_walk_done;
__u32 sb_walk_incomplete; /* a super_block left the list during the walk */
__u64 self_ktime_ns;        /* bpf_ktime_get_ns() when the scanning thread was visited */
__u64 self_last_arrival_ns; /* its sched_info.last_arrival then (sched_clock) */
struct hs_file_hold holds[HS_MAX_FILES];
__u32 nr_holds;
struct hs_uffd_wait uffd_waits[HS_MAX_UFFD_WAITS];
__u32 nr_uffd_waits;
__u32 dropped; /* records lost to full arrays */

struct sb_walk_ctx {
  __u64 start;
  __u64 cur;
};

static long sb_walk_step(__u64 i, struct sb_walk_ctx *c) {
  __u64 node = c->cur;
  if (node < KERNEL_IMAGE_START) { /* the list head `super_blocks` lives in the kernel image */
    struct super_block *sb = (void *)(node - bpf_core_field_offset(struct super_block, s_list));
    __u32 n = nr_sbs;
    if (n < HS_MAX_SB) {
      struct hs_super_block *r = &sbs[n];
      r->addr = (__u64)sb;
      r->s_dev = BPF_CORE_READ(sb, s_dev);
      r->s_umount_addr = (__u64)sb + bpf_core_field_offset(struct super_block, s_umount);
      r->s_umount_owner = BPF_CORE_READ(sb, s_umount.owner.counter);
      r->s_umount_count = BPF_CORE_READ(sb, s_umount.count.counter);
      r->s_writers_addr = (__u64)sb + bpf_core_field_offset(struct super_block, s_writers);
      r->frozen = BPF_CORE_READ(sb, s_writers.frozen);
      bpf_probe_read_kernel_str(r->s_id, sizeof(r->s_id), &sb->s_id);
      const char *fsname = BPF_CORE_READ(sb, s_type, name);
      bpf_probe_read_kernel_str(r->fs_type, sizeof(r->fs_type), fsname);
      nr_sbs = n + 1;
    } else {
      dropped++;
    }
  }
  struct list_head *lh = (void *)node;
  c->cur = (__u64)BPF_CORE_READ(lh, next);
  if (c->cur == c->start || c->cur == 0) return 1;
  if (c->cur == node) { /* list_del_init() under us: the node points at itself */
    sb_walk_incomplete = 1;
    return 1;
  }
  return 0;
}

static void walk_super_blocks(struct task_struct *self) {
  struct vfsmount *mnt = BPF_CORE_READ(self, fs, root.mnt);
  struct super_block *root_sb = BPF_CORE_READ(mnt, mnt_sb);
  struct sb_walk_ctx c = {};
  c.start = (__u64)root_sb + bpf_core_field_offset(struct super_block, s_list);
  c.cur = c.start;
  bpf_loop(4096, sb_walk_step, &c, 0);
  sb_walk_done = 1;
}

static bool wants_full(struct task_struct *t, __u32 state, __u32 pid) {
  if (hs_task_blocked(state) || hs_task_stopped(state)) return true;
  return bpf_map_lookup_elem(&wanted_pids, &pid) != NULL;
}

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx) {
  struct seq_file *seq = ctx->meta->seq;
  struct task_struct *t = ctx->task;
  if (!t) return 0;
  __u32 zero = 0;
  struct hs_task_full *r = bpf_map_lookup_elem(&scratch, &zero);
  if (!r) return 0;
  __builtin_memset(r, 0, sizeof(*r));
  __u32 pid = BPF_CORE_READ(t, pid);
  r->b.pid = pid;
  r->b.tgid = BPF_CORE_READ(t, tgid);
  r->b.state = BPF_CORE_READ(t, __state);
  r->b.exit_state = BPF_CORE_READ(t, exit_state);
  r->b.flags = BPF_CORE_READ(t, flags);
  r->b.ptrace = BPF_CORE_READ(t, ptrace);
  r->b.task_addr = (__u64)t;
  struct mm_struct *mm = BPF_CORE_READ(t, mm);
  r->b.mm_addr = (__u64)mm;
  r->b.start_ns = BPF_CORE_READ(t, start_time);
  bpf_probe_read_kernel(r->b.comm, sizeof(r->b.comm), &t->comm);

  if (pid == self_tid && !sb_walk_done) {
    walk_super_blocks(t);
  }
  if (pid == self_tid && !self_ktime_ns) {
    /* ktime now against this (running) thread's last arrival in sched_clock: an upper bound
     * of how far sched_clock runs behind ktime (user space compares fork times, in ktime, with
     * sched_info.last_arrival, in sched_clock; they drift apart by tens of ms on guests
     * without a stable TSC). */
    if (bpf_core_field_exists(t->sched_info.last_arrival))
      self_last_arrival_ns = BPF_CORE_READ(t, sched_info.last_arrival);
    self_ktime_ns = bpf_ktime_get_ns();
  }

  if (!wants_full(t, r->b.state, pid)) {
    r->b.type = HS_REC_BRIEF;
    bpf_seq_write(seq, &r->b, sizeof(r->b));
    return 0;
  }
  r->b.type = HS_REC_FULL;
  /* sched_info.last_arrival is rq->clock (sched_clock) when it last got a CPU; compare with
   * ktime (same origin at boot; se.exec_start uses the per-CPU task clock, which drifts with
   * steal/irq time and is not comparable across CPUs). */
  __u64 now = bpf_ktime_get_ns(), last = 0;
  if (bpf_core_field_exists(t->sched_info.last_arrival)) last = BPF_CORE_READ(t, sched_info.last_arrival);
  r->since_ran_ns = last && now > last ? now - last : 0;
  r->last_ran_ns = last;
  r->blocker = hs_read_blocker(t, &r->has_blocker_field);
  hs_fill_lock(r, r->blocker);
  if (mm) {
    r->mmap_lock_addr = (__u64)mm + bpf_core_field_offset(struct mm_struct, mmap_lock);
    r->mmap_lock_owner = BPF_CORE_READ(mm, mmap_lock.owner.counter);
    r->mmap_lock_count = BPF_CORE_READ(mm, mmap_lock.count.counter);
  }
  long n = bpf_get_task_stack(t, r->stack, sizeof(r->stack), 0);
  r->b.nr_frames = n > 0 ? n / sizeof(__u64) : 0;
  bpf_seq_write(seq, r, sizeof(*r));
  return 0;
}

static void add_hold(__u32 tgid, __u32 kind, __u64 key) {
  __u32 n = nr_holds;
  if (n >= HS_MAX_FILES) {
    dropped++;
    return;
  }
  holds[n].tgid = tgid;
  holds[n].kind = kind;
  holds[n].key = key;
  nr_holds = n + 1;
}

static void add_uffd_waiters(__u64 ctx, struct wait_queue_head *wqh) {
  struct list_head *head = &wqh->head;
  struct list_head *node = BPF_CORE_READ(head, next);
  for (int i = 0; i < 16 && node && node != head; i++) {
    struct wait_queue_entry *e = (void *)((__u64)node - bpf_core_field_offset(struct wait_queue_entry, entry));
    struct task_struct *w = BPF_CORE_READ(e, private);
    __u32 n = nr_uffd_waits;
    if (n >= HS_MAX_UFFD_WAITS) {
      dropped++;
      return;
    }
    uffd_waits[n].ctx = ctx;
    uffd_waits[n].pid = BPF_CORE_READ(w, pid);
    nr_uffd_waits = n + 1;
    node = BPF_CORE_READ(node, next);
  }
}

SEC("iter/task_file")
int dump_file(struct bpf_iter__task_file *ctx) {
  struct file *f = ctx->file;
  struct task_struct *t = ctx->task;
  if (!f || !t) return 0;
  struct inode *ino = BPF_CORE_READ(f, f_inode);
  umode_t mode = BPF_CORE_READ(ino, i_mode);
  __u32 tgid = BPF_CORE_READ(t, tgid);
  if ((mode & S_IFMT) == S_IFCHR && BPF_CORE_READ(ino, i_rdev) == FUSE_DEV_RDEV) {
    /* struct fuse_dev lives in fuse.ko's BTF when FUSE is a module: without that module
     * loaded the relocation cannot resolve, and this guard lets libbpf drop the branch. */
    if (bpf_core_type_exists(struct fuse_dev)) {
      struct fuse_dev *fud = BPF_CORE_READ(f, private_data);
      if (fud) add_hold(tgid, HS_HOLD_FUSE_DEV, BPF_CORE_READ(fud, fc, dev));
    }
    return 0;
  }
  if (!bpf_core_type_exists(struct userfaultfd_ctx)) return 0;
  char name[16] = {};
  const unsigned char *dn = BPF_CORE_READ(f, f_path.dentry, d_name.name);
  bpf_probe_read_kernel_str(name, sizeof(name), dn);
  const char want[] = "[userfaultfd]";
  for (int i = 0; i < sizeof(want); i++) {
    if (name[i] != want[i]) return 0;
  }
  struct userfaultfd_ctx *uctx = BPF_CORE_READ(f, private_data);
  if (!uctx) return 0;
  add_hold(tgid, HS_HOLD_USERFAULTFD, (__u64)uctx);
  add_uffd_waiters((__u64)uctx, &uctx->fault_pending_wqh);
  add_uffd_waiters((__u64)uctx, &uctx->fault_wqh);
  return 0;
}
