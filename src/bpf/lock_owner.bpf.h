/* Reading what a lock says about its owner, and which lock a task waits for: the one owner decoder
 * of scan.bpf.c, recover.bpf.c and watch.bpf.c. The layouts are in lock_word_bits.h, which user
 * space decodes with too. Include after vmlinux.h, bpf_helpers.h and bpf_core_read.h. */
#ifndef HANGSCOPE_BPF_LOCK_OWNER_H
#define HANGSCOPE_BPF_LOCK_OWNER_H

#include "lock_word_bits.h"

#define HS_OWNER_COMM_LEN 16 /* TASK_COMM_LEN */

/* task_struct.blocker_mutex existed in 6.14-6.15 before the typed `blocker` word
 * (commit 3cf67d3c0a4d "hung_task: show the blocker task if the task is hung on mutex",
 * generalised by "hung_task: replace blocker_mutex with encoded blocker", 6.16). */
struct task_struct___blocker_mutex {
  struct mutex *blocker_mutex;
} __attribute__((preserve_access_index));

struct task_struct___blocker {
  unsigned long blocker;
} __attribute__((preserve_access_index));

/* semaphore.last_holder: 6.16+ with CONFIG_DETECT_HUNG_TASK_BLOCKER ("hung_task: show the
 * blocker task if the task is hung on semaphore"). */
struct semaphore___holder {
  unsigned long last_holder;
} __attribute__((preserve_access_index));

/* rt_mutex_base.owner (kernel/locking/rtmutex_common.h; struct rt_mutex_base since 5.15). */
struct rt_mutex_base___hs {
  struct task_struct *owner;
} __attribute__((preserve_access_index));

/* The task's task_struct.blocker as a blocker word (lock | HS_BLOCKER_*); *has_field says whether
 * the kernel has such a field at all. 0 when the task waits for no tracked lock. */
static __always_inline __u64 hs_read_blocker(struct task_struct *t, __u32 *has_field) {
  struct task_struct___blocker *nt = (void *)t;
  struct task_struct___blocker_mutex *ot = (void *)t;
  if (bpf_core_field_exists(nt->blocker)) {
    *has_field = 1;
    return BPF_CORE_READ(nt, blocker);
  }
  if (bpf_core_field_exists(ot->blocker_mutex)) {
    *has_field = 1;
    return (__u64)BPF_CORE_READ(ot, blocker_mutex) | HS_BLOCKER_MUTEX;
  }
  *has_field = 0;
  return 0;
}

/* The raw owner word (flag bits included) of the lock at `lock`, read from the field `kind`
 * (HS_OWNER_*) names; 0 for HS_OWNER_NONE and for a semaphore without last_holder. */
static __always_inline __u64 hs_read_owner_word(__u64 lock, __u32 kind) {
  if (kind == HS_OWNER_MUTEX) return BPF_CORE_READ((struct mutex *)lock, owner.counter);
  if (kind == HS_OWNER_RWSEM) return BPF_CORE_READ((struct rw_semaphore *)lock, owner.counter);
  if (kind == HS_OWNER_RT) return (__u64)BPF_CORE_READ((struct rt_mutex_base___hs *)lock, owner);
  if (kind == HS_OWNER_SEM) {
    struct semaphore___holder *s = (void *)lock;
    if (bpf_core_field_exists(s->last_holder)) return BPF_CORE_READ(s, last_holder);
  }
  return 0;
}

/* Reads pid and comm (HS_OWNER_COMM_LEN bytes) of the task at `owner` (an owner word with its
 * flags cleared). Leaves both untouched when owner is 0. The pointer may be stale (the owner
 * exited): user space checks it against the live tasks. */
static __always_inline void hs_read_owner_task(__u64 owner, __u32 *pid, char *comm) {
  if (!owner) return;
  struct task_struct *o = (void *)owner;
  *pid = BPF_CORE_READ(o, pid);
  bpf_probe_read_kernel(comm, HS_OWNER_COMM_LEN, &o->comm);
}

/* Reads the inode an rw-semaphore at `lock` would belong to if it were that inode's i_rwsem:
 * the candidate's address, its i_sb and i_ino, and a dentry name (`name`, HS_OWNER_NAME_LEN
 * bytes). Nothing here proves it is one: user space accepts it only when i_sb is a known
 * super_block. */
#define HS_OWNER_NAME_LEN 32
static __always_inline void hs_read_inode_candidate(__u64 lock, __u64 *inode, __u64 *sb,
                                                    __u64 *ino_nr, char *name) {
  struct inode *ino = (void *)(lock - bpf_core_field_offset(struct inode, i_rwsem));
  *inode = (__u64)ino;
  *sb = (__u64)BPF_CORE_READ(ino, i_sb);
  *ino_nr = BPF_CORE_READ(ino, i_ino);
  struct hlist_node *alias = BPF_CORE_READ(ino, i_dentry.first);
  if (alias) {
    struct dentry *d = (void *)((__u64)alias - bpf_core_field_offset(struct dentry, d_u));
    const unsigned char *dname = BPF_CORE_READ(d, d_name.name);
    bpf_probe_read_kernel_str(name, HS_OWNER_NAME_LEN, dname);
  }
}

#endif
