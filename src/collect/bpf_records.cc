#include "collect/bpf_records.h"

#include <fmt/format.h>

#include <cstring>
#include <map>

#include "collect/lock_record.h"
#include "collect/object_records.h"
#include "collect/task_record.h"
#include "collect/waiter_record.h"
#include "kernel/blocker.h"
#include "kernel/owner_word.h"

namespace hangscope::collect {

void decode_task_records(std::string_view bytes, RawScan& raw) {
  size_t off = 0;
  while (off + sizeof(hs_task_brief) <= bytes.size()) {
    __u32 type;
    std::memcpy(&type, bytes.data() + off, sizeof type);
    if (type == HS_REC_BRIEF) {
      hs_task_brief b;
      std::memcpy(&b, bytes.data() + off, sizeof b);
      raw.briefs.push_back(b);
      off += sizeof b;
    } else if (type == HS_REC_FULL && off + sizeof(hs_task_full) <= bytes.size()) {
      hs_task_full f;
      std::memcpy(&f, bytes.data() + off, sizeof f);
      raw.briefs.push_back(f.b);
      raw.fulls.push_back(f);
      off += sizeof f;
    } else {
      break;
    }
  }
  raw.truncated_bytes += bytes.size() - off;
}

std::set<__u32> tasks_to_follow(const RawScan& raw) {
  std::set<__u32> have, want;
  std::unordered_map<__u64, __u32> pid_of;
  for (const auto& b : raw.briefs) pid_of.emplace(b.task_addr, b.pid);
  for (const auto& f : raw.fulls) have.insert(f.b.pid);
  auto add_addr = [&](__u64 owner) {
    auto it = pid_of.find(owner);
    if (it != pid_of.end() && !have.count(it->second)) want.insert(it->second);
  };
  for (const auto& f : raw.fulls) {
    if (f.blocker && f.lock_owner)
      add_addr(kernel::owner_task(f.lock_owner, kernel::decode_blocker(f.blocker).owner_field));
    if (!f.blocker && f.rec_head_a) {  // recovered lock: rwsem or mutex reading of its owner
      if (f.lock_owner) add_addr(kernel::owner_task(f.lock_owner, kernel::OwnerField::rwsem));
      if (f.rec_mutex_owner)
        add_addr(kernel::owner_task(f.rec_mutex_owner, kernel::OwnerField::mutex));
    }
  }
  for (const auto& h : raw.holds) {
    if (!have.count(h.tgid)) want.insert(h.tgid);
  }
  for (const auto& w : raw.uffd_waits) {
    if (!have.count(w.pid)) want.insert(w.pid);
  }
  return want;
}

void merge_full_records(RawScan& raw, const RawScan& second, const std::set<__u32>& wanted) {
  for (const auto& f : second.fulls) {
    if (!wanted.count(f.b.pid)) continue;
    bool dup = false;
    for (const auto& g : raw.fulls) dup |= g.b.pid == f.b.pid;
    if (!dup) raw.fulls.push_back(f);
  }
}

namespace {

// The context every task's wait is decoded in: the whole scan, indexed once.
struct ScanIndex {
  const RawScan& raw;
  TasksByAddr by_addr;
  std::set<__u64> sb_addrs;
  std::map<__u32, __u64> uffd_of;  // waiting pid -> userfaultfd_ctx

  explicit ScanIndex(const RawScan& r) : raw(r) {
    for (const auto& b : raw.briefs) by_addr.emplace(b.task_addr, &b);
    for (const auto& s : raw.sbs) sb_addrs.insert(s.addr);
    for (const auto& w : raw.uffd_waits) uffd_of[w.pid] = w.ctx;
  }
};

// Decodes the wait of `t` (the task of `f`) into t.wait, and the lock it waits for and the
// objects that lock may live in into `locks` and `snap`.
void decode_wait(const hs_task_full& f, const ScanIndex& idx, model::Task& t,
                 std::map<__u64, model::Lock>& locks, model::Snapshot& snap) {
  const bool blocked = t.state == model::TaskState::disk_sleep;
  hs_task_full g = f;  // with a recovered blocker when the kernel set none
  std::string how = "task_struct.blocker";
  RecoveredLock rec;
  if (!f.blocker && blocked && (f.rec_head_a || f.rec_head_b)) {
    rec = recover_lock(f, idx.raw.offsets, t.stack);
    if (rec.blocker) {
      g.blocker = rec.blocker;
      if (kernel::decode_blocker(rec.blocker).kind == model::LockKind::mutex)
        g.lock_owner = f.rec_mutex_owner;
      how = "waiter record on its kernel stack, verified against the lock's wait list";
    }
  }
  if (!f.blocker && blocked && idx.raw.recovery_ran.count(f.b.pid)) {
    if (auto note = recovery_failure_note(f, rec)) snap.notes.push_back(std::move(*note));
  }
  kernel::Blocker b = kernel::decode_blocker(g.blocker);
  if (rec.percpu_lock) {
    t.wait = percpu_rwsem_wait(rec.percpu_lock);
  } else if (g.blocker && b.lock && blocked) {
    model::LockMode mode = f.blocker ? model::LockMode::unknown : rec.mode;
    t.wait = blocker_wait(b, how, mode, t, f.mmap_lock_addr);
    if (!locks.count(b.lock))
      locks.emplace(b.lock, lock_from_blocker(g, idx.by_addr, idx.raw.sched_clock_lag_ns));
    if (b.kind == model::LockKind::rwsem) {
      auto inode = inode_of_lock(f, idx.sb_addrs, b.lock);
      bool dup = false;
      for (const auto& i : snap.inodes) dup |= inode && i.addr == inode->addr;
      if (inode && !dup) snap.inodes.push_back(std::move(*inode));
    }
    if (auto mm = mm_of_lock(idx.raw.fulls, idx.raw.briefs, b.lock)) {
      bool dup = false;
      for (const auto& m : snap.mms) dup |= m.addr == mm->addr;
      if (!dup) snap.mms.push_back(std::move(*mm));
    }
  } else if (auto it = idx.uffd_of.find(f.b.pid); it != idx.uffd_of.end()) {
    t.wait = userfaultfd_wait(it->second);
  } else {
    t.wait = Maybe<model::Wait>::unknown(f.has_blocker_field ? "no blocker set"
                                                             : "kernel has no task_struct.blocker");
  }
}

}  // namespace

void build_snapshot(const RawScan& raw, const Kallsyms& syms, model::Snapshot& snap) {
  for (const auto& s : raw.sbs) snap.super_blocks.push_back(super_block_from_record(s));
  ScanIndex idx(raw);
  std::map<__u64, model::Lock> locks;
  for (const auto& f : raw.fulls) {
    model::Task t = task_from_record(f, syms);
    decode_wait(f, idx, t, locks, snap);
    snap.tasks.push_back(std::move(t));
  }
  for (auto& [addr, l] : locks) snap.locks.push_back(std::move(l));
  if (!raw.fulls.empty())
    snap.kernel.has_blocker_field = raw.fulls.front().has_blocker_field != 0;
  else
    snap.kernel.has_blocker_field = Maybe<bool>::unknown("no blocked task to read it from");
  add_file_holders(raw.holds, snap);
  if (raw.dropped)
    snap.notes.push_back(fmt::format("BPF: {} records dropped (arrays full)", raw.dropped));
  if (raw.truncated_bytes)
    snap.notes.push_back(fmt::format("BPF: {} trailing bytes ignored", raw.truncated_bytes));
}

}  // namespace hangscope::collect
