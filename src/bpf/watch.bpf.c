// SPDX-License-Identifier: GPL-2.0
/* hangscope watch: lock:contention_begin/contention_end (tp_btf, raw_tp fallback).
 * Per task: the lock it waits on, flags, start time and the owner at that moment.
 * Per lock: contention count, total and max wait, last owner (for --top).
 * Spin locks are skipped unless trace_spin is set: they fire at very high rates. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "watch.h"
#include "lock_owner.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define E2BIG 7 /* include/uapi/asm-generic/errno-base.h: the map is full */

_Static_assert(sizeof(((struct hsw_wait *)0)->owner_comm) == HS_OWNER_COMM_LEN, "owner comm");
_Static_assert(sizeof(((struct hsw_lock_stat *)0)->cand_name) == HS_OWNER_NAME_LEN, "name");

const volatile __u8 trace_spin = 0;     /* also record pure spin-lock contention */
const volatile __u64 long_wait_ns = 0;  /* waits at least this long are kept in `ended` */
const volatile __u8 lock_stats_on = 0;  /* per-lock statistics (--top): a hash update per wait */

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, HSW_WAIT_SLOTS);
  __uint(map_flags, BPF_F_MMAPABLE);
  __type(key, __u32);
  __type(value, struct hsw_wait);
} waits SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, HSW_MAX_LOCKS);
  __type(key, __u64);
  __type(value, struct hsw_lock_stat);
} lock_stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, HSW_MAX_ENDED);
  __type(key, __u32);
  __type(value, struct hsw_ended);
} ended SEC(".maps");

struct hsw_counters counters[HSW_MAX_CPUS];
struct hsw_layout layout;

static struct hsw_counters *my_counters(void) {
  return &counters[bpf_get_smp_processor_id() & (HSW_MAX_CPUS - 1)];
}

static bool is_pure_spin(__u32 flags) {
  return (flags & HSW_LCB_F_SPIN) && !(flags & HSW_LCB_F_MUTEX);
}

/* The owner-word layout (HS_OWNER_*) of a lock with these contention_begin flags: a semaphore
 * passes no flags, and percpu rw-semaphores and spin locks have no owner field. */
static __u32 owner_kind_of(__u32 flags) {
  if (flags & HSW_LCB_F_MUTEX) return HS_OWNER_MUTEX;
  if (flags & HSW_LCB_F_RT) return HS_OWNER_RT;
  if ((flags & (HSW_LCB_F_READ | HSW_LCB_F_WRITE)) &&
      !(flags & (HSW_LCB_F_PERCPU | HSW_LCB_F_SPIN)))
    return HS_OWNER_RWSEM;
  return HS_OWNER_NONE;
}

/* Records the owner of `lock` now: its raw word, and the owner task's pid and comm. */
static void read_owner(struct hsw_wait *w, __u64 lock, __u32 flags) {
  __u32 kind = owner_kind_of(flags);
  w->owner_pid = 0;
  w->owner_comm[0] = 0;
  w->owner_kind = kind;
  if (kind == HS_OWNER_NONE) return;
  __u64 word = hs_read_owner_word(lock, kind);
  w->owner_word = word;
  hs_read_owner_task(hs_owner_task(word, kind), &w->owner_pid, w->owner_comm);
}

static int on_begin(__u64 lock, __u32 flags) {
  struct hsw_counters *c = my_counters();
  if (!trace_spin && is_pure_spin(flags)) {
    c->spins_skipped++;
    return 0;
  }
  c->events++;
  __u64 id = bpf_get_current_pid_tgid();
  __u32 pid = (__u32)id, slot = pid & (HSW_WAIT_SLOTS - 1);
  struct hsw_wait *w = bpf_map_lookup_elem(&waits, &slot);
  if (!w) return 0;
  if (w->start_ns) {
    if (w->pid != pid) { /* another waiting task has this slot */
      c->lost_waits++;
      return 0;
    }
    if (w->lock == lock) { /* mutex: optimistic spin phase, then the sleeping phase */
      if ((w->flags & HSW_LCB_F_SPIN) && !(flags & HSW_LCB_F_SPIN)) read_owner(w, lock, flags);
      w->flags = flags;
      return 0;
    }
    if (is_pure_spin(flags) && !is_pure_spin(w->flags)) return 0; /* a wait_lock inside */
  }
  w->lock = lock;
  w->flags = flags;
  w->pid = pid;
  w->tgid = id >> 32;
  w->owner_word = 0;
  w->owner_pid = 0;
  w->owner_kind = HS_OWNER_NONE;
  w->owner_comm[0] = 0;
  bpf_get_current_comm(w->comm, sizeof(w->comm));
  /* The mutex spin phase mostly ends in a few microseconds: read the owner once it sleeps. */
  if (!(flags & HSW_LCB_F_SPIN)) read_owner(w, lock, flags);
  w->start_ns = bpf_ktime_get_ns(); /* last: publishes the slot */
  return 0;
}

/* Fills the object candidates of a lock seen for the first time. */
static void fill_candidates(struct hsw_lock_stat *s, __u64 lock, __u32 flags) {
  struct task_struct *t = (void *)bpf_get_current_task();
  struct mm_struct *mm = BPF_CORE_READ(t, mm);
  if (mm && lock == (__u64)mm + bpf_core_field_offset(struct mm_struct, mmap_lock)) {
    s->cand_mm = (__u64)mm;
    s->cand_mm_tgid = BPF_CORE_READ(t, tgid);
    bpf_get_current_comm(s->cand_name, sizeof(s->cand_name)); /* the process using that mm */
    return;
  }
  if (!(flags & (HSW_LCB_F_READ | HSW_LCB_F_WRITE)) ||
      (flags & (HSW_LCB_F_PERCPU | HSW_LCB_F_SPIN | HSW_LCB_F_RT)))
    return;
  hs_read_inode_candidate(lock, &s->cand_inode, &s->cand_inode_sb, &s->cand_inode_ino,
                          s->cand_name);
}

static void account(struct hsw_counters *c, struct hsw_wait *w, __u64 lock, __u64 wait_ns) {
  struct hsw_lock_stat *s = bpf_map_lookup_elem(&lock_stats, &lock);
  if (!s) {
    struct hsw_lock_stat n = {};
    fill_candidates(&n, lock, w->flags);
    if (bpf_map_update_elem(&lock_stats, &lock, &n, BPF_NOEXIST) == -E2BIG) c->lost_stats++;
    s = bpf_map_lookup_elem(&lock_stats, &lock);
    if (!s) return;
  }
  __sync_fetch_and_add(&s->count, 1);
  __sync_fetch_and_add(&s->total_ns, wait_ns);
  if (wait_ns > s->max_ns) s->max_ns = wait_ns;
  s->flags = w->flags;
  s->owner_pid = w->owner_pid;
  __builtin_memcpy(s->owner_comm, w->owner_comm, sizeof(s->owner_comm));
}

static int on_end(__u64 lock, int ret) {
  __u32 pid = (__u32)bpf_get_current_pid_tgid(), slot = pid & (HSW_WAIT_SLOTS - 1);
  struct hsw_wait *w = bpf_map_lookup_elem(&waits, &slot);
  if (!w || !w->start_ns || w->pid != pid || w->lock != lock) return 0;
  struct hsw_counters *c = my_counters();
  __u64 now = bpf_ktime_get_ns(), wait_ns = now - w->start_ns;
  if (lock_stats_on) account(c, w, lock, wait_ns);
  if (long_wait_ns && wait_ns >= long_wait_ns) {
    struct hsw_ended e = {.lock = lock, .start_ns = w->start_ns, .end_ns = now, .ret = ret,
                          .flags = w->flags, .owner_pid = w->owner_pid, .tgid = w->tgid};
    __builtin_memcpy(e.comm, w->comm, sizeof(e.comm));
    __builtin_memcpy(e.owner_comm, w->owner_comm, sizeof(e.owner_comm));
    if (bpf_map_update_elem(&ended, &pid, &e, BPF_ANY)) c->lost_ended++;
  }
  w->start_ns = 0; /* frees the slot */
  return 0;
}

static void fill_layout(void) {
  if (!layout.pcpu_rwsem_size) layout.pcpu_rwsem_size = bpf_core_type_size(struct percpu_rw_semaphore);
}

SEC("tp_btf/contention_begin")
int BPF_PROG(hsw_begin_btf, void *lock, unsigned int flags) {
  fill_layout();
  return on_begin((__u64)lock, flags);
}

SEC("tp_btf/contention_end")
int BPF_PROG(hsw_end_btf, void *lock, int ret) { return on_end((__u64)lock, ret); }

SEC("raw_tp/contention_begin")
int BPF_PROG(hsw_begin_raw, void *lock, unsigned int flags) {
  fill_layout();
  return on_begin((__u64)lock, flags);
}

SEC("raw_tp/contention_end")
int BPF_PROG(hsw_end_raw, void *lock, int ret) { return on_end((__u64)lock, ret); }
