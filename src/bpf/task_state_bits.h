/* task_struct.__state and task_struct.exit_state bits, shared by the BPF programs and user space
 * (fixed-width types only). They mirror include/linux/sched.h, unchanged from Linux 5.14 (when
 * `state` became `__state`) through 6.18; the HS_ prefix keeps them apart from vmlinux.h. */
#ifndef HANGSCOPE_BPF_TASK_STATE_BITS_H
#define HANGSCOPE_BPF_TASK_STATE_BITS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* task_struct.__state (include/linux/sched.h). */
#define HS_TASK_RUNNING 0x0000U
#define HS_TASK_INTERRUPTIBLE 0x0001U
#define HS_TASK_UNINTERRUPTIBLE 0x0002U
#define HS___TASK_STOPPED 0x0004U
#define HS___TASK_TRACED 0x0008U
#define HS_TASK_WAKEKILL 0x0100U
#define HS_TASK_NOLOAD 0x0400U
#define HS_TASK_KILLABLE (HS_TASK_WAKEKILL | HS_TASK_UNINTERRUPTIBLE)
#define HS_TASK_IDLE (HS_TASK_UNINTERRUPTIBLE | HS_TASK_NOLOAD)

/* task_struct.exit_state (include/linux/sched.h). */
#define HS_EXIT_DEAD 0x0010U
#define HS_EXIT_ZOMBIE 0x0020U

/* True for a task in D state that counts as blocked: TASK_UNINTERRUPTIBLE without TASK_NOLOAD
 * (TASK_IDLE kernel threads wait for work, not for a lock; the kernel's hung-task detector and
 * the load average skip them too). */
static inline int hs_task_blocked(__u32 state) {
  return (state & HS_TASK_UNINTERRUPTIBLE) && !(state & HS_TASK_NOLOAD);
}

/* True for a stopped (SIGSTOP, T) or ptrace-stopped (t) task. */
static inline int hs_task_stopped(__u32 state) {
  return (state & (HS___TASK_STOPPED | HS___TASK_TRACED)) != 0;
}

#endif
