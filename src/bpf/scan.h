/* Records shared by scan.bpf.c and the user-space collector (fixed-width types only). */
#ifndef HANGSCOPE_BPF_SCAN_H
#define HANGSCOPE_BPF_SCAN_H

#include "lock_word_bits.h"
#include "task_state_bits.h"

#define HS_COMM_LEN 16
#define HS_NAME_LEN 32
#define HS_STACK_DEPTH 32
#define HS_MAX_SB 512
#define HS_MAX_FILES 1024
#define HS_MAX_UFFD_WAITS 256

/* Record types written to the iter/task seq file. */
#define HS_REC_BRIEF 1 /* struct hs_task_brief only */
#define HS_REC_FULL 2  /* struct hs_task_full */

/* What a struct hs_file_hold's file is (hs_file_hold.kind). */
#define HS_HOLD_FUSE_DEV 1    /* an open /dev/fuse: key is fuse_conn.dev */
#define HS_HOLD_USERFAULTFD 2 /* a userfaultfd: key is its userfaultfd_ctx address */

struct hs_task_brief {
  __u32 type;
  __u32 pid;
  __u32 tgid;
  __u32 state;      /* task_struct.__state (HS_TASK_*) */
  __u32 exit_state; /* HS_EXIT_* */
  __u32 flags;      /* PF_* */
  __u32 ptrace;
  __u32 nr_frames;
  __u64 task_addr;
  __u64 mm_addr;
  __u64 start_ns;   /* task_struct.start_time (monotonic ns at fork) */
  char comm[HS_COMM_LEN];
};

struct hs_task_full {
  struct hs_task_brief b;
  __u64 since_ran_ns;     /* now minus sched_info.last_arrival, 0 if unknown */
  __u64 last_ran_ns;      /* sched_info.last_arrival (when it last got a CPU), 0 if unknown */
  __u64 blocker;          /* raw task_struct.blocker: lock | HS_BLOCKER_* (0: none or no field) */
  __u32 has_blocker_field;
  __u32 owner_pid;        /* pid read at the lock's owner pointer (may be stale for dead owners) */
  __u64 lock_owner;       /* raw owner word (mutex/rwsem owner, semaphore last_holder) */
  __s64 lock_count;       /* rwsem count / semaphore count */
  char owner_comm[HS_COMM_LEN];
  __u64 cand_inode;       /* lock - offsetof(inode, i_rwsem): verified in user space via i_sb */
  __u64 cand_inode_sb;
  __u64 cand_inode_ino;
  char cand_name[HS_NAME_LEN];
  /* Waiter-record recovery for waits without a blocker (killable/percpu waits, old kernels):
   * list heads reached from this task's own waiter record on its kernel stack, verified by
   * walking the ring back to the record. a: {list, task} records (rwsem/mutex/semaphore
   * waiters); b: wait_queue_entry {flags, private, func, entry} (percpu rw-semaphores). */
  __u64 rec_head_a;
  __u64 rec_head_b;
  __u64 rec_mutex_owner;  /* owner word if head_a is a mutex's wait_list */
  __u64 rec_record_a;     /* address of the {list, task} record that led to head_a */
  __u32 rec_waiter_type;  /* rwsem_waiter.type there: HS_RWSEM_WAITING_FOR_* */
  __u32 rec_pad;
  __u64 mmap_lock_addr;   /* &mm->mmap_lock of this task's mm */
  __u64 mmap_lock_owner;
  __s64 mmap_lock_count;
  __u64 stack[HS_STACK_DEPTH];
};

/* Field offsets user space needs to turn a recovered list head into a lock address. */
struct hs_offsets {
  __u64 rwsem_wait_list;
  __u64 mutex_wait_list;
  __u64 sem_wait_list;
  __u64 pcpu_waiters_head; /* percpu_rw_semaphore.waiters.head */
};

struct hs_super_block {
  __u64 addr;
  __u64 s_umount_addr;
  __u64 s_umount_owner;
  __s64 s_umount_count;
  __u64 s_writers_addr;
  __u32 s_dev;
  __s32 frozen;
  char s_id[HS_NAME_LEN];
  char fs_type[HS_NAME_LEN];
};

/* A process holding a /dev/fuse file or a userfaultfd. */
struct hs_file_hold {
  __u32 tgid;
  __u32 kind; /* HS_HOLD_* */
  __u64 key; /* FUSE: fuse_conn.dev; uffd: userfaultfd_ctx address */
};

struct hs_uffd_wait {
  __u64 ctx;
  __u32 pid;
  __u32 pad;
};

#endif
