// SPDX-License-Identifier: GPL-2.0
/* hangscope waiter-record recovery, for D tasks whose wait set no task_struct.blocker
 * (killable rwsem/mutex waits, percpu rw-semaphores, kernels before 6.16). For each pid in
 * `wanted_pids` it finds the task's own waiter record on its kernel stack and walks the wait
 * list from it to the lock's list head. Kept apart from scan.bpf.c so that its verification
 * cost is paid only when such a task exists. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "scan.h"
#include "lock_owner.bpf.h"
#include "task_lock.bpf.h"
#include "task_maps.bpf.h"

char LICENSE[] SEC("license") = "GPL";


struct hs_offsets offsets;

#define THREAD_SIZE_GUESS (16 * 1024)
#define HS_MAX_CANDIDATES 16

/* The state of the stack scan and of the wait-list walks. It lives in map memory, reached through
 * a pointer in the bpf_loop context, never in the context itself: verifiers before 6.8 ("bpf:
 * verify callbacks as if they are called unknown number of times") check a callback once, with
 * the caller's stack as it was at the call, so a field initialised to 0 there is taken as the
 * constant 0 and tests such as `if (!head_a)` are hard-wired. On 6.1 that made every candidate
 * overwrite the head found by an earlier one: the lock was recovered only when the waiter record
 * was the last candidate. Map memory is never assumed constant. */
struct rec_state {
  __u64 task;
  __u64 pos;
  __u64 end;
  __u32 n;
  __u32 pad;
  __u64 cand[HS_MAX_CANDIDATES];
  __u64 head_a;
  __u64 head_b;
  __u64 at_a; /* the candidate slot (task field) that gave head_a */
  /* the current wait-list walk */
  __u64 w_start;
  __u64 w_cur;
  __u64 w_head;
  long w_task_off;
  __u32 w_closed;
  __u32 w_heads;
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct rec_state);
} rec_states SEC(".maps");

/* The bpf_loop context: bpf_loop takes a stack pointer; the state behind it is map memory. */
struct rec_ref {
  struct rec_state *s;
};

/* True when `node` is a waiter record on some task's kernel stack: the task pointer stored in
 * the record (at node + task_off) is a task whose stack holds the record. (Not checked against
 * that task's saved stack pointer: a woken or spinning waiter runs, and its saved one is stale.) */
static bool is_stack_record(__u64 node, long task_off) {
  __u64 tp = 0;
  if (bpf_probe_read_kernel(&tp, sizeof(tp), (void *)(node + task_off)) || !tp) return false;
  struct task_struct *t = (void *)tp;
  __u64 base = (__u64)BPF_CORE_READ(t, stack);
  return base && node >= base && node < base + THREAD_SIZE_GUESS;
}

static long walk_step(__u64 i, struct rec_ref *ref) {
  struct rec_state *s = ref->s;
  if (!s->w_cur) return 1;
  if (s->w_cur == s->w_start) {
    s->w_closed = 1;
    return 1;
  }
  if (!is_stack_record(s->w_cur, s->w_task_off)) {
    if (++s->w_heads > 1) return 1; /* two heads: not a lock wait list */
    s->w_head = s->w_cur;
  }
  __u64 next = 0;
  if (bpf_probe_read_kernel(&next, sizeof(next), (void *)s->w_cur)) return 1;
  s->w_cur = next;
  return 0;
}

/* Walks the ring from `start` (a list_head inside this task's waiter record). Returns the one
 * node that is not a stack record (the lock's list head) when the ring closes, else 0. */
static __u64 walk_to_head(struct rec_ref *ref, __u64 start, long task_off) {
  struct rec_state *s = ref->s;
  s->w_start = start;
  s->w_cur = 0;
  s->w_head = 0;
  s->w_task_off = task_off;
  s->w_closed = 0;
  s->w_heads = 0;
  __u64 first = 0;
  bpf_probe_read_kernel(&first, sizeof(first), (void *)start);
  s->w_cur = first;
  bpf_loop(64, walk_step, ref, 0);
  return s->w_closed && s->w_heads == 1 ? s->w_head : 0;
}

/* Collects stack slots holding this task's pointer, from the saved stack pointer upwards. */
static long rec_scan_step(__u64 i, struct rec_ref *ref) {
  struct rec_state *s = ref->s;
  if (s->pos >= s->end) return 1;
  __u64 word = 0, at = s->pos;
  s->pos += 8;
  if (bpf_probe_read_kernel(&word, sizeof(word), (void *)at) || word != s->task) return 0;
  __u32 n = s->n;
  if (n >= HS_MAX_CANDIDATES) return 1;
  s->cand[n] = at;
  s->n = n + 1;
  return 0;
}

/* Tries candidate slot i as the `task` field of a {list, task} waiter and as the `private`
 * field of a wait_queue_entry; keeps the first verified head of each layout. */
static long try_candidate(__u64 i, struct rec_ref *ref) {
  struct rec_state *s = ref->s;
  if (i >= s->n || i >= HS_MAX_CANDIDATES || (s->head_a && s->head_b)) return 1;
  __u64 at = s->cand[i & (HS_MAX_CANDIDATES - 1)];
  if (!s->head_a) {
    __u64 head = walk_to_head(ref, at - 16, 16); /* {next, prev, task} */
    if (head) {
      s->head_a = head;
      s->at_a = at;
    }
  }
  if (!s->head_b) s->head_b = walk_to_head(ref, at + 16, -16); /* {flags, private, func, entry} */
  return 0;
}

static void recover_waiter(struct hs_task_full *r, struct task_struct *t) {
  __u32 zero = 0;
  struct rec_ref ref = {.s = bpf_map_lookup_elem(&rec_states, &zero)};
  if (!ref.s) return;
  struct rec_state *s = ref.s;
  __builtin_memset(s, 0, sizeof(*s));
  __u64 base = (__u64)BPF_CORE_READ(t, stack);
  __u64 sp = BPF_CORE_READ(t, thread.sp);
  if (!base || sp < base || sp >= base + THREAD_SIZE_GUESS) return;
  s->task = (__u64)t;
  s->pos = sp & ~(__u64)(sizeof(__u64) - 1); /* scan whole words */
  s->end = base + THREAD_SIZE_GUESS;
  bpf_loop(THREAD_SIZE_GUESS / 8, rec_scan_step, &ref, 0);
  bpf_loop(HS_MAX_CANDIDATES, try_candidate, &ref, 0);
  r->rec_head_a = s->head_a;
  r->rec_head_b = s->head_b;
  r->rec_record_a = s->at_a - 16; /* meaningful only when head_a != 0 */
  __u64 head_a = s->head_a, record = s->at_a - 16;
  if (head_a) {
    struct mutex *m = (void *)(head_a - bpf_core_field_offset(struct mutex, wait_list));
    r->rec_mutex_owner = BPF_CORE_READ(m, owner.counter);
    struct rwsem_waiter *w = (void *)record;
    r->rec_waiter_type = BPF_CORE_READ(w, type);
    /* Read it as an rw_semaphore too (owner, count, inode candidate); user space picks. */
    __u64 sem = head_a - bpf_core_field_offset(struct rw_semaphore, wait_list);
    hs_fill_lock(r, sem | HS_BLOCKER_RWSEM_WRITER);
  }
}

static void fill_offsets(void) {
  offsets.rwsem_wait_list = bpf_core_field_offset(struct rw_semaphore, wait_list);
  offsets.mutex_wait_list = bpf_core_field_offset(struct mutex, wait_list);
  offsets.sem_wait_list = bpf_core_field_offset(struct semaphore, wait_list);
  offsets.pcpu_waiters_head = bpf_core_field_offset(struct percpu_rw_semaphore, waiters) +
                              bpf_core_field_offset(struct wait_queue_head, head);
}

SEC("iter/task")
int recover_task(struct bpf_iter__task *ctx) {
  struct task_struct *t = ctx->task;
  if (!t) return 0;
  if (!offsets.rwsem_wait_list) fill_offsets();
  __u32 pid = BPF_CORE_READ(t, pid), zero = 0;
  if (!bpf_map_lookup_elem(&wanted_pids, &pid)) return 0;
  struct hs_task_full *r = bpf_map_lookup_elem(&scratch, &zero);
  if (!r) return 0;
  __builtin_memset(r, 0, sizeof(*r));
  r->b.type = HS_REC_FULL;
  r->b.pid = pid;
  r->b.tgid = BPF_CORE_READ(t, tgid);
  r->b.task_addr = (__u64)t;
  recover_waiter(r, t);
  bpf_seq_write(ctx->meta->seq, r, sizeof(*r));
  return 0;
}
