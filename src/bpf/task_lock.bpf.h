/* Filling a full task record's lock fields from a blocker word: shared by scan.bpf.c (the word is
 * task_struct.blocker) and recover.bpf.c (a wait list recovered from the task's own waiter
 * record, read as an rw-semaphore). Include after scan.h and lock_owner.bpf.h. */
#ifndef HANGSCOPE_BPF_TASK_LOCK_H
#define HANGSCOPE_BPF_TASK_LOCK_H

_Static_assert(sizeof(((struct hs_task_full *)0)->owner_comm) == HS_OWNER_COMM_LEN, "owner comm");
_Static_assert(sizeof(((struct hs_task_full *)0)->cand_name) == HS_OWNER_NAME_LEN, "name");

/* Reads the owner word (lock_owner), the count of semaphores and rw-semaphores (lock_count), an
 * rw-semaphore's inode candidate, and the owner task's pid and comm. No-op without a lock. */
static __always_inline void hs_fill_lock(struct hs_task_full *r, __u64 blocker) {
  __u64 lock = blocker & ~HS_BLOCKER_TYPE_MASK;
  if (!lock) return;
  __u32 kind = hs_blocker_owner_kind(blocker & HS_BLOCKER_TYPE_MASK);
  r->lock_owner = hs_read_owner_word(lock, kind);
  if (kind == HS_OWNER_SEM) {
    r->lock_count = BPF_CORE_READ((struct semaphore *)lock, count);
  } else if (kind == HS_OWNER_RWSEM) {
    r->lock_count = BPF_CORE_READ((struct rw_semaphore *)lock, count.counter);
    hs_read_inode_candidate(lock, &r->cand_inode, &r->cand_inode_sb, &r->cand_inode_ino,
                            r->cand_name);
  }
  hs_read_owner_task(hs_owner_task(r->lock_owner, kind), &r->owner_pid, r->owner_comm);
}

#endif
