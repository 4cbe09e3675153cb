#include "collect/bpf_scan.h"

#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <set>
#include <vector>

#include "bpfutil/libbpf_glue.h"
#include "collect/bpf_records.h"
#include "kernel/lock_sites.h"
#include "kernel/task_state.h"
#include "kernel/wait_kind.h"
#include "recover.skel.h"
#include "scan.skel.h"

namespace hangscope::collect {

namespace {

using ScanSkel = bpfutil::Owned<scan_bpf, scan_bpf__destroy>;
using RecoverSkel = bpfutil::Owned<recover_bpf, recover_bpf__destroy>;

// Asks the iterator for full records of `pids` (lock owners, FUSE daemons, tasks to recover).
// Fails with the first error and how many pids could not be added (the others are added).
Status want_pids(const bpf_map* wanted_pids, const std::set<__u32>& pids) {
  const __u8 one = 1;
  std::optional<Error> first;
  size_t failed = 0;
  for (__u32 pid : pids) {
    if (auto r = bpfutil::update_elem(wanted_pids, pid, one, BPF_ANY); !r.ok()) {
      if (!failed++) first = r.error();
    }
  }
  if (!failed) return Unit{};
  return make_errno_error(
      fmt::format("{} (pids not added: {} of {})", first->message, failed, pids.size()),
      first->sys_errno);
}

// D tasks whose wait set no task_struct.blocker and whose stack may be a lock wait (not a
// FUSE request, userfaultfd, I/O, completion or folio wait, which have no waiter record to
// find): their locks come from recover.bpf.c.
std::set<__u32> tasks_to_recover(const RawScan& raw, const Kallsyms& syms) {
  std::set<__u32> out;
  for (const auto& f : raw.fulls) {
    if (f.blocker || !kernel::task_blocked(f.b.state)) continue;
    std::vector<model::StackFrame> stack;
    for (__u32 i = 0; i < f.b.nr_frames && i < HS_STACK_DEPTH && !syms.empty(); ++i)
      stack.push_back(syms.symbolize(f.stack[i]));
    const kernel::LockSite* site = kernel::find_wait_site(stack);
    if (!kernel::may_have_waiter_record(site ? site->kind : model::LockKind::unknown)) continue;
    out.insert(f.b.pid);
  }
  return out;
}

// Loads recover.bpf.c (only now: its verification costs ~100 ms) and merges its answers.
Status recover_waits(RawScan& raw, const std::set<__u32>& pids) {
  RecoverSkel skel(recover_bpf__open_and_load());
  if (!skel)
    return make_error(fmt::format("loading recover.bpf.c: {}", bpfutil::last_libbpf_message()));
  if (auto r = want_pids(skel->maps.wanted_pids, pids); !r.ok()) return r;
  auto link = bpfutil::attach_iter(skel->progs.recover_task, "recover iter/task");
  if (!link.ok()) return link.error();
  auto bytes = bpfutil::read_iter(link->get());
  if (!bytes.ok()) return bytes.error();
  RawScan rec;
  decode_task_records(*bytes, rec);
  raw.recovery_ran.insert(pids.begin(), pids.end());
  for (const auto& r : rec.fulls) {
    for (auto& f : raw.fulls) {
      if (f.b.pid != r.b.pid || f.b.task_addr != r.b.task_addr) continue;
      f.rec_head_a = r.rec_head_a;
      f.rec_head_b = r.rec_head_b;
      f.rec_mutex_owner = r.rec_mutex_owner;
      f.rec_record_a = r.rec_record_a;
      f.rec_waiter_type = r.rec_waiter_type;
      f.lock_owner = r.lock_owner;
      f.lock_count = r.lock_count;
      f.owner_pid = r.owner_pid;
      std::memcpy(f.owner_comm, r.owner_comm, sizeof f.owner_comm);
      f.cand_inode = r.cand_inode;
      f.cand_inode_sb = r.cand_inode_sb;
      f.cand_inode_ino = r.cand_inode_ino;
      std::memcpy(f.cand_name, r.cand_name, sizeof f.cand_name);
    }
  }
  raw.offsets = skel->bss->offsets;
  return Unit{};
}

}  // namespace

Status collect_bpf(model::Snapshot& snap, const std::function<const Kallsyms&()>& syms) {
  bpfutil::capture_libbpf_messages();
  ScanSkel skel(scan_bpf__open());
  if (!skel) return make_error(fmt::format("BPF open failed: {}", bpfutil::last_libbpf_message()));
  skel->rodata->self_tid = static_cast<__u32>(::syscall(SYS_gettid));
  if (int err = scan_bpf__load(skel.get()); err != 0)
    return make_error(fmt::format("BPF load failed ({}): {}", std::strerror(-err),
                                  bpfutil::last_libbpf_message()));
  auto task_link = bpfutil::attach_iter(skel->progs.dump_task, "iter/task");
  if (!task_link.ok()) return task_link.error();
  auto file_link = bpfutil::attach_iter(skel->progs.dump_file, "iter/task_file");
  if (!file_link.ok()) return file_link.error();

  auto pass1 = bpfutil::read_iter(task_link->get());
  if (!pass1.ok()) return pass1.error();
  auto files = bpfutil::read_iter(file_link->get());
  if (!files.ok()) return files.error();

  RawScan raw;
  decode_task_records(*pass1, raw);
  for (__u32 i = 0; i < skel->bss->nr_sbs && i < HS_MAX_SB; ++i)
    raw.sbs.push_back(skel->bss->sbs[i]);
  for (__u32 i = 0; i < skel->bss->nr_holds && i < HS_MAX_FILES; ++i)
    raw.holds.push_back(skel->bss->holds[i]);
  for (__u32 i = 0; i < skel->bss->nr_uffd_waits && i < HS_MAX_UFFD_WAITS; ++i)
    raw.uffd_waits.push_back(skel->bss->uffd_waits[i]);
  raw.dropped = skel->bss->dropped;
  if (skel->bss->self_ktime_ns && skel->bss->self_last_arrival_ns)
    raw.sched_clock_lag_ns = static_cast<std::int64_t>(skel->bss->self_ktime_ns) -
                             static_cast<std::int64_t>(skel->bss->self_last_arrival_ns);
  if (!skel->bss->sb_walk_done)
    snap.notes.push_back("super_block list not walked (scanning thread not visited)");
  if (skel->bss->sb_walk_incomplete)
    snap.notes.push_back(
        "a super_block was being removed during the walk: the list may be incomplete");

  static const Kallsyms kNone;
  const Kallsyms& table = raw.fulls.empty() ? kNone : syms();
  // Rounds: recover the locks of D tasks without a blocker, then fetch full records of the
  // owners, FUSE daemons and uffd holders found so far (which may be blocked themselves).
  std::set<__u32> recovered;
  for (int round = 0; round < 3; ++round) {
    std::set<__u32> need;
    for (__u32 pid : tasks_to_recover(raw, table)) {
      if (recovered.insert(pid).second) need.insert(pid);
    }
    if (!need.empty()) {
      if (auto r = recover_waits(raw, need); !r.ok())
        snap.notes.push_back("waits without a blocker are guessed from stacks: " +
                             r.error().message);
    }
    std::set<__u32> wanted = tasks_to_follow(raw);
    if (wanted.empty()) break;
    if (auto r = want_pids(skel->maps.wanted_pids, wanted); !r.ok())
      snap.notes.push_back("some owners and daemons have no full record: " + r.error().message);
    auto more = bpfutil::read_iter(task_link->get());
    if (!more.ok()) return more.error();
    RawScan next;
    decode_task_records(*more, next);
    merge_full_records(raw, next, wanted);
  }
  build_snapshot(raw, table, snap);
  return Unit{};
}

}  // namespace hangscope::collect
