// What a wait's kind and its stack frames say about it: who can end it, whether the kernel
// keeps a waiter record for it, and which frames are the lock machinery rather than the caller.
#pragma once

#include <string_view>

#include "model/snapshot.h"

namespace hangscope::kernel {

/// True for waits that a user-space process ends (a FUSE request answered by its daemon, a
/// userfaultfd fault resolved by its handler). Such a waiter sleeps in S (interruptible) until
/// it gets a signal, so S does not mean it is free.
bool served_by_user_space(model::LockKind kind);

/// True for waits that may sit on a sleeping lock's wait list with a waiter record on the
/// waiter's stack (mutex, rw-semaphore, semaphore, percpu rw-semaphore, or not known); false
/// for FUSE requests, userfaultfd, I/O, completions and folio locks, which have none.
bool may_have_waiter_record(model::LockKind kind);

/// True for a frame of the sleeping-lock and scheduler machinery (schedule*, *slowpath*,
/// down_*, __down*, *mutex_lock*): the caller that wanted the lock is further out.
bool is_lock_machinery_frame(std::string_view symbol);

/// The lock kind a lock name implies when a log names the lock but not its kind ("sb_writers"
/// percpu rw-semaphore; "s_umount", "i_rwsem", "mmap_lock", "*_sem", "*rwsem" rw-semaphore;
/// "*mutex*", "*_lock_mtx" mutex); unknown otherwise.
model::LockKind lock_kind_from_name(std::string_view lock_name);

}  // namespace hangscope::kernel
