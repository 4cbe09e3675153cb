/* The words the BPF programs read from locks and tasks, and how both sides decode them (fixed-width
 * types only). Each group mirrors the kernel source named above it; the HS_ prefix keeps them
 * apart from vmlinux.h (which carries the kernel's enums, e.g. enum rwsem_waiter_type). */
#ifndef HANGSCOPE_BPF_LOCK_WORD_BITS_H
#define HANGSCOPE_BPF_LOCK_WORD_BITS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* task_struct.blocker: lock address | type in the low bits (include/linux/hung_task.h, 6.16+:
 * "hung_task: replace blocker_mutex with encoded blocker"; BLOCKER_TYPE_*). */
#define HS_BLOCKER_TYPE_MASK 0x3ULL
#define HS_BLOCKER_MUTEX 0
#define HS_BLOCKER_SEM 1
#define HS_BLOCKER_RWSEM_READER 2
#define HS_BLOCKER_RWSEM_WRITER 3

/* mutex.owner: task_struct address | MUTEX_FLAG_* (kernel/locking/mutex.c). */
#define HS_MUTEX_FLAG_WAITERS 0x01ULL /* non-empty wait list: unlock must wake */
#define HS_MUTEX_FLAG_HANDOFF 0x02ULL
#define HS_MUTEX_FLAG_PICKUP 0x04ULL
#define HS_MUTEX_FLAGS 0x07ULL

/* rw_semaphore.owner: task_struct address | flags (kernel/locking/rwsem.c). A reader-owned rwsem
 * keeps the last reader's address with RWSEM_READER_OWNED set, also after it unlocked. Two flag
 * bits since 5.11 (617f3ef95177 "locking/rwsem: Remove reader optimistic spinning"); 5.3-5.10
 * had RWSEM_WR_NONSPINNABLE as bit 2 as well. */
#define HS_RWSEM_READER_OWNED 0x1ULL
#define HS_RWSEM_NONSPINNABLE 0x2ULL
#define HS_RWSEM_OWNER_FLAGS_MASK (HS_RWSEM_READER_OWNED | HS_RWSEM_NONSPINNABLE)

/* rw_semaphore.count (kernel/locking/rwsem.c): writer bit, flags, readers from bit 8. */
#define HS_RWSEM_WRITER_LOCKED 0x1LL
#define HS_RWSEM_FLAG_WAITERS 0x2LL
#define HS_RWSEM_FLAG_HANDOFF 0x4LL
#define HS_RWSEM_READER_SHIFT 8

/* rwsem_waiter.type (enum rwsem_waiter_type, kernel/locking/rwsem.c). */
#define HS_RWSEM_WAITING_FOR_WRITE 0
#define HS_RWSEM_WAITING_FOR_READ 1

/* rt_mutex_base.owner: task_struct address | RT_MUTEX_HAS_WAITERS
 * (kernel/locking/rtmutex_common.h). */
#define HS_RT_MUTEX_HAS_WAITERS 0x1ULL

/* How an owner word is laid out: which lock field it was read from. */
#define HS_OWNER_NONE 0  /* no owner field (percpu rw-semaphore, spin lock) */
#define HS_OWNER_MUTEX 1 /* mutex.owner */
#define HS_OWNER_RWSEM 2 /* rw_semaphore.owner */
#define HS_OWNER_RT 3    /* rt_mutex_base.owner */
#define HS_OWNER_SEM 4   /* semaphore.last_holder (6.16+): a plain task pointer */

/* The flag bits an owner word of `kind` (HS_OWNER_*) carries beside the task address. */
static inline __u64 hs_owner_flags(__u32 kind) {
  if (kind == HS_OWNER_MUTEX) return HS_MUTEX_FLAGS;
  if (kind == HS_OWNER_RWSEM) return HS_RWSEM_OWNER_FLAGS_MASK;
  if (kind == HS_OWNER_RT) return HS_RT_MUTEX_HAS_WAITERS;
  return 0;
}

/* The task_struct address in an owner word of `kind` (flag bits cleared); 0 when none. */
static inline __u64 hs_owner_task(__u64 word, __u32 kind) {
  return word & ~hs_owner_flags(kind);
}

/* The owner-word layout of the lock a task_struct.blocker type (HS_BLOCKER_*) names. */
static inline __u32 hs_blocker_owner_kind(__u64 type) {
  if (type == HS_BLOCKER_MUTEX) return HS_OWNER_MUTEX;
  if (type == HS_BLOCKER_SEM) return HS_OWNER_SEM;
  return HS_OWNER_RWSEM;
}

#endif
