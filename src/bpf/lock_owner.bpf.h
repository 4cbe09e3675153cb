/* Reading a task's blocker and a lock's owner (shared by scan.bpf.c and recover.bpf.c).
 * Include after vmlinux.h, bpf_helpers.h, bpf_core_read.h and scan.h. */
#ifndef HANGSCOPE_BPF_LOCK_OWNER_H
#define HANGSCOPE_BPF_LOCK_OWNER_H

/* task_struct.blocker_mutex existed in 6.14-6.15 before the typed `blocker` word
 * (commit 3cf67d3c0a4d "hung_task: show the blocker task if the task is hung on mutex",
 * generalised by "hung_task: replace blocker_mutex with encoded blocker", 6.16). */
struct task_struct___blocker_mutex {
  struct mutex *blocker_mutex;
} __attribute__((preserve_access_index));

struct task_struct___blocker {
  unsigned long blocker;
} __attribute__((preserve_access_index));

struct semaphore___holder {
  unsigned long last_holder;
} __attribute__((preserve_access_index));

static __u64 read_blocker(struct task_struct *t, __u32 *has_field) {
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

static void read_owner(struct hs_task_full *r, __u64 blocker) {
  __u64 type = blocker & 3, lock = blocker & ~3ULL, owner = 0;
  if (!blocker) return;
  if (!lock) return;
  if (type == HS_BLOCKER_MUTEX) {
    struct mutex *m = (void *)lock;
    owner = BPF_CORE_READ(m, owner.counter);
    r->lock_owner = owner;
    owner &= ~7ULL; /* MUTEX_FLAGS */
  } else if (type == HS_BLOCKER_SEM) {
    struct semaphore___holder *s = (void *)lock;
    if (bpf_core_field_exists(s->last_holder)) owner = BPF_CORE_READ(s, last_holder);
    r->lock_owner = owner;
    r->lock_count = BPF_CORE_READ((struct semaphore *)lock, count);
  } else {
    struct rw_semaphore *s = (void *)lock;
    owner = BPF_CORE_READ(s, owner.counter);
    r->lock_owner = owner;
    r->lock_count = BPF_CORE_READ(s, count.counter);
    owner &= ~3ULL; /* RWSEM_READER_OWNED | RWSEM_NONSPINNABLE */
    /* The lock may be an inode's i_rwsem: user space verifies i_sb against the sb list. */
    struct inode *ino = (void *)(lock - bpf_core_field_offset(struct inode, i_rwsem));
    r->cand_inode = (__u64)ino;
    r->cand_inode_sb = (__u64)BPF_CORE_READ(ino, i_sb);
    r->cand_inode_ino = BPF_CORE_READ(ino, i_ino);
    struct hlist_node *alias = BPF_CORE_READ(ino, i_dentry.first);
    if (alias) {
      struct dentry *d = (void *)((__u64)alias - bpf_core_field_offset(struct dentry, d_u));
      const unsigned char *name = BPF_CORE_READ(d, d_name.name);
      bpf_probe_read_kernel_str(r->cand_name, sizeof(r->cand_name), name);
    }
  }
  if (owner) {
    struct task_struct *o = (void *)owner;
    r->owner_pid = BPF_CORE_READ(o, pid);
    bpf_probe_read_kernel(r->owner_comm, sizeof(r->owner_comm), &o->comm);
  }
}


#endif
