/* Records shared by watch.bpf.c and src/watch/ (fixed-width types only). */
#ifndef HANGSCOPE_BPF_WATCH_H
#define HANGSCOPE_BPF_WATCH_H

#include "lock_word_bits.h"

#define HSW_COMM_LEN 16
#define HSW_NAME_LEN 32
#define HSW_MAX_CPUS 64     /* per-CPU counter slots in .bss (cpu id masked) */
#define HSW_WAIT_SLOTS 65536 /* per-task wait slots, indexed by pid & (HSW_WAIT_SLOTS - 1) */
#define HSW_MAX_LOCKS 8192  /* distinct contended locks (stats map) */
#define HSW_MAX_ENDED 1024  /* long waits that ended, not yet read by user space */

/* contention_begin flags (include/trace/events/lock.h). */
#define HSW_LCB_F_SPIN (1U << 0)
#define HSW_LCB_F_READ (1U << 1)
#define HSW_LCB_F_WRITE (1U << 2)
#define HSW_LCB_F_RT (1U << 3)
#define HSW_LCB_F_PERCPU (1U << 4)
#define HSW_LCB_F_MUTEX (1U << 5)

/* One task's current lock wait: slot pid & (HSW_WAIT_SLOTS - 1) of an mmap-able array (no hash
 * bucket locks on the hot path). start_ns == 0: free slot. A slot held by another waiting pid
 * is a lost wait (counted). */
struct hsw_wait {
  __u64 lock;
  __u64 start_ns;      /* bpf_ktime_get_ns (CLOCK_MONOTONIC) at contention_begin; 0 = free */
  __u64 owner_word;    /* raw owner word (flag bits included), 0 when none */
  __u32 flags;         /* LCB_F_* */
  __u32 owner_kind;    /* HS_OWNER_* (lock_word_bits.h): the field owner_word was read from */
  __u32 owner_pid;     /* 0 when no owner or unknown */
  __u32 tgid;
  __u32 pid;
  __u32 pad;
  char comm[HSW_COMM_LEN];
  char owner_comm[HSW_COMM_LEN];
};

/* A wait longer than long_wait_ns that ended (LRU map, keyed by pid). */
struct hsw_ended {
  __u64 lock;
  __u64 start_ns;
  __u64 end_ns;
  __s32 ret;
  __u32 flags;      /* LCB_F_* */
  __u32 owner_pid;  /* owner at contention_begin, 0 when none or unknown */
  __u32 tgid;
  char comm[HSW_COMM_LEN];
  char owner_comm[HSW_COMM_LEN];
};

/* Per-lock contention statistics (keyed by lock address). The object candidates are
 * filled once, when the lock is first seen; user space verifies them against a snapshot. */
struct hsw_lock_stat {
  __u64 count;
  __u64 total_ns;
  __u64 max_ns;
  __u64 cand_mm;        /* the waiter's mm when lock == &mm->mmap_lock */
  __u64 cand_inode;     /* lock - offsetof(inode, i_rwsem) for rwsems */
  __u64 cand_inode_sb;  /* that inode's i_sb (verified in user space) */
  __u64 cand_inode_ino;
  __u32 flags;          /* LCB_F_* of the last contention */
  __u32 owner_pid;      /* owner at the last contention_begin (0: none/unknown) */
  __u32 cand_mm_tgid;
  __u32 pad;
  char owner_comm[HSW_COMM_LEN];
  char cand_name[HSW_NAME_LEN]; /* inode: dentry name; mm: the waiter's comm */
};

/* Per-CPU counters in .bss, one cache line each. */
struct hsw_counters {
  __u64 events;      /* contention_begin seen (after the spin filter) */
  __u64 lost_waits;  /* wait slot held by another waiting task */
  __u64 lost_stats;  /* stats map full */
  __u64 lost_ended;  /* ended-wait map update failed */
  __u64 spins_skipped;
  __u64 pad[3];
};

/* Sizes user space needs to match lock addresses to objects. */
struct hsw_layout {
  __u64 pcpu_rwsem_size; /* sizeof(struct percpu_rw_semaphore) */
};

#endif
