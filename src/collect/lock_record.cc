#include "collect/lock_record.h"

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "kernel/owner_word.h"
#include "kernel/wait_kind.h"

namespace hangscope::collect {

namespace {

using model::LockKind;
using model::LockMode;

// How much later than the waiter's last run (after clock correction) a task must have been
// forked to count as a reuse of the owner's task_struct: sched clocks of different CPUs differ
// by a few ms even after the correction.
constexpr std::int64_t kForkAfterSleepMarginNs = 10'000'000;

std::string cstr(const char* s, size_t n) { return std::string(s, strnlen(s, n)); }

// Fills the owner fields of `l` (a lock of kind b.kind) from the words `f` read at it.
void decode_owner(const kernel::Blocker& b, const hs_task_full& f, model::Lock& l) {
  l.owner_mode = LockMode::exclusive;
  if (b.kind == LockKind::mutex) {
    l.owner_task = kernel::owner_task(f.lock_owner, b.owner_field);
    l.how_found = "mutex.owner";
    return;
  }
  l.count = f.lock_count;
  if (b.kind == LockKind::semaphore) {
    l.owner_task = kernel::owner_task(f.lock_owner, b.owner_field);
    l.how_found = "semaphore.last_holder";
    l.confidence = model::Confidence::likely;
    return;
  }
  kernel::RwsemWords w = kernel::decode_rwsem(f.lock_owner, f.lock_count);
  l.owner_task = w.owner;
  l.reader_owned = w.reader_owned;
  l.owner_mode =
      w.writer_locked ? LockMode::write : (w.reader_owned ? LockMode::read : LockMode::unknown);
  l.how_found = "rw_semaphore.owner";
  if (w.reader_owned) {
    l.confidence = model::Confidence::likely;
    l.how_found =
        fmt::format("rw_semaphore.owner (reader-owned, {} reader(s) by count)", w.readers);
  }
}

// Names the owner task of `l` and checks that the task now at its address is still it.
void check_owner(const hs_task_full& f, const TasksByAddr& by_addr, std::int64_t sched_clock_lag_ns,
                 model::Lock& l) {
  std::uint64_t owner = *l.owner_task;
  if (!owner) return;
  l.owner_comm = cstr(f.owner_comm, sizeof f.owner_comm);
  l.owner_pid = static_cast<int>(f.owner_pid);
  auto it = by_addr.find(owner);
  if (it == by_addr.end()) {
    l.how_found += "; no live task at the owner address";
    return;
  }
  const hs_task_brief& now = *it->second;
  if (!f.last_ran_ns ||
      static_cast<std::int64_t>(now.start_ns) <=
          static_cast<std::int64_t>(f.last_ran_ns) + sched_clock_lag_ns + kForkAfterSleepMarginNs)
    return;
  // The task now at that address was forked after this waiter went to sleep: the owner exited
  // (or was killed) holding the lock and its task_struct was reused. (start_time is ktime,
  // last_arrival sched_clock: compared after the measured lag, with a margin.)
  l.owner_stale = true;
  l.how_found += fmt::format("; owner pointer reused by {} (pid {}), started after the wait began",
                             cstr(now.comm, sizeof now.comm), now.pid);
  l.owner_comm.clear();
  l.owner_pid = Maybe<int>::unknown("owner exited; its task_struct was reused");
}

// The innermost frame that is not the lock's own sleeping machinery (wchan-like).
std::string wait_function(const std::vector<model::StackFrame>& stack) {
  for (const auto& fr : stack) {
    if (!fr.symbol.empty() && !kernel::is_lock_machinery_frame(fr.symbol)) return fr.symbol;
  }
  return "";
}

}  // namespace

model::Lock lock_from_blocker(const hs_task_full& f, const TasksByAddr& by_addr,
                              std::int64_t sched_clock_lag_ns) {
  kernel::Blocker b = kernel::decode_blocker(f.blocker);
  model::Lock l;
  l.addr = b.lock;
  l.kind = b.kind;
  l.confidence = model::Confidence::certain;
  decode_owner(b, f, l);
  check_owner(f, by_addr, sched_clock_lag_ns, l);
  return l;
}

model::Wait blocker_wait(const kernel::Blocker& b, const std::string& how_found, LockMode mode,
                         const model::Task& t, std::uint64_t mmap_lock_addr) {
  model::Wait w;
  w.kind = b.kind;
  w.mode = mode != LockMode::unknown ? mode : b.mode;
  w.lock_addr = b.lock;
  w.confidence = model::Confidence::certain;
  w.how_found = how_found;
  w.wait_function = wait_function(t.stack);
  if (b.lock == mmap_lock_addr) w.lock_name = "mmap_lock";
  return w;
}

model::Wait percpu_rwsem_wait(std::uint64_t lock) {
  model::Wait w;
  w.kind = LockKind::percpu_rwsem;
  w.mode = LockMode::read;
  w.lock_addr = lock;
  w.confidence = model::Confidence::certain;
  w.how_found =
      "wait_queue_entry on its kernel stack, verified against the percpu rw-semaphore's waiters";
  w.wait_function = "percpu_rwsem_wait";
  return w;
}

}  // namespace hangscope::collect
