/* Maps both iter/task programs (scan.bpf.c, recover.bpf.c) declare, each in its own object.
 * Include after vmlinux.h, bpf_helpers.h and scan.h. */
#ifndef HANGSCOPE_BPF_TASK_MAPS_H
#define HANGSCOPE_BPF_TASK_MAPS_H

/* Pids user space asks a full record for (lock owners, FUSE daemons, tasks to recover). */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u32);
  __type(value, __u8);
} wanted_pids SEC(".maps");

/* One full record per CPU, built there before bpf_seq_write (too big for the BPF stack). */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct hs_task_full);
} scratch SEC(".maps");

#endif
