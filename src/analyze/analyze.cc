#include "analyze/analyze.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analyze/hop.h"
#include "analyze/verdict.h"
#include "kernel/wait_kind.h"

namespace hangscope::analyze {

namespace {

using model::LockKind;
using model::TaskState;

// Whether the walk should continue through `t` (a holder): it must itself be waiting.
bool waits_itself(const model::Task& t, const Maybe<model::Wait>& w) {
  if (!w.known()) return false;
  if (t.state == TaskState::disk_sleep) return true;
  if (t.state != TaskState::sleeping) return false;
  // An S task is followed only when its wait is a known hang kind or came from the kernel.
  return t.wait.known() || kernel::served_by_user_space(w->kind);
}

struct Walk {
  Chain chain;
  std::vector<TaskRef> cycle;
};

Walk walk_chain(const model::Task& start, const SnapshotIndex& idx, const AnalyzeOptions& opt) {
  Walk out;
  Chain& c = out.chain;
  c.stuck = make_task_ref(start);
  std::vector<int> path{start.pid};
  const model::Task* cur = &start;
  for (int i = 0; i < opt.max_hops; ++i) {
    Maybe<model::Wait> w = resolve_wait(*cur, idx);
    if (!w.known()) {
      c.root.kind = RootKind::unknown;
      c.root.pid = cur->pid;
      c.root.summary =
          cur->stack.empty()
              ? fmt::format(
                    "{} (pid {}) is blocked, but its kernel stack is not readable (run as root)",
                    cur->comm, cur->pid)
              : fmt::format(
                    "{} (pid {}) waits in {}, which hangscope's knowledge table does not know",
                    cur->comm, cur->pid, cur->stack.front().symbol);
      c.root.remedy = fmt::format("cat /proc/{}/stack; hangscope log --kernel", cur->pid);
      return out;
    }
    ResolvedHop rh = resolve_hop(*cur, *w, idx);
    c.hops.push_back(rh.hop);
    const model::Task* next = nullptr;
    for (const model::Task* h : rh.holder_tasks) {
      if (h) {
        next = h;
        break;
      }
    }
    if (next) {
      auto seen = std::find(path.begin(), path.end(), next->pid);
      if (seen != path.end()) {
        for (auto it = seen; it != path.end(); ++it)
          out.cycle.push_back(make_task_ref(*idx.task_by_pid(*it)));
        c.root = deadlock_root_cause(out.cycle);
        return out;
      }
      Maybe<model::Wait> nw = resolve_wait(*next, idx);
      if (waits_itself(*next, nw) && rh.hop.holders.front().alive) {
        path.push_back(next->pid);
        cur = next;
        continue;
      }
    }
    c.root = decide_root_cause(rh, next, idx);
    return out;
  }
  c.root.kind = RootKind::unknown;
  c.root.summary = fmt::format("chain longer than {} hops; stopped", opt.max_hops);
  return out;
}

std::string first_lock_key(const Chain& c) {
  if (c.hops.empty()) return "";
  const model::Wait& w = c.hops.front().wait;
  if (w.lock_addr.known()) return fmt::format("addr:{:#x}", *w.lock_addr);
  if (w.kind == LockKind::fuse_request && w.fuse_conn.known())
    return fmt::format("fuse:{}", *w.fuse_conn);
  if (w.object_addr.known()) return fmt::format("obj:{}:{:#x}", w.lock_name, *w.object_addr);
  return "";
}

double stuck_of(const TaskRef& t) { return t.stuck_seconds.value_or(-1.0); }

}  // namespace

Findings analyze(const model::Snapshot& snap, const AnalyzeOptions& opt) {
  SnapshotIndex idx(snap);
  Findings f;
  f.notes = snap.notes;
  std::vector<const model::Task*> starts;
  if (opt.only_pid != 0) {
    const model::Task* t = idx.task_by_pid(opt.only_pid);
    if (!t) {
      f.notes.push_back(fmt::format("pid {} is not a blocked task in this snapshot", opt.only_pid));
    } else if (!waits_itself(*t, resolve_wait(*t, idx)) && t->state != TaskState::disk_sleep) {
      f.notes.push_back(fmt::format("pid {} ({}) is not blocked (state {})", t->pid, t->comm,
                                    state_letter(t->state)));
    } else {
      starts.push_back(t);
    }
  } else {
    for (const auto& t : snap.tasks) {
      if (!waits_itself(t, resolve_wait(t, idx)) && t.state != TaskState::disk_sleep) continue;
      if (t.stuck_seconds.known() && *t.stuck_seconds < opt.min_stuck_seconds) continue;
      starts.push_back(&t);
    }
  }

  std::vector<Chain> chains;
  std::set<std::vector<int>> cycle_keys;
  for (const model::Task* t : starts) {
    Walk w = walk_chain(*t, idx, opt);
    if (!w.cycle.empty()) {
      std::vector<int> key;
      for (const auto& m : w.cycle) key.push_back(m.pid);
      std::sort(key.begin(), key.end());
      if (cycle_keys.insert(key).second) f.cycles.push_back(Cycle{w.cycle});
    }
    chains.push_back(std::move(w.chain));
  }

  if (opt.only_pid == 0) {
    // Tasks that appear further down another chain are explained there.
    std::set<int> covered;
    for (const auto& c : chains) {
      for (size_t i = 1; i < c.hops.size(); ++i) covered.insert(c.hops[i].waiter.pid);
    }
    // A cycle covers each of its members: keep one chain per cycle (the first found).
    std::set<int> in_kept_cycle;
    std::erase_if(chains, [&](const Chain& c) {
      if (c.root.kind != RootKind::deadlock) return covered.count(c.stuck.pid) > 0;
      if (in_kept_cycle.count(c.stuck.pid)) return true;
      for (const auto& h : c.hops) in_kept_cycle.insert(h.waiter.pid);
      return false;
    });
    // Group tasks waiting on the same lock: the longest-stuck one heads the group.
    std::stable_sort(chains.begin(), chains.end(), [](const Chain& a, const Chain& b) {
      return stuck_of(a.stuck) > stuck_of(b.stuck);
    });
    std::map<std::string, size_t> head_of;
    std::vector<Chain> grouped;
    for (auto& c : chains) {
      std::string key = first_lock_key(c);
      if (!key.empty()) {
        if (auto it = head_of.find(key); it != head_of.end()) {
          grouped[it->second].also_waiting.push_back(c.stuck.pid);
          continue;
        }
        head_of.emplace(key, grouped.size());
      }
      grouped.push_back(std::move(c));
    }
    chains = std::move(grouped);
  }
  f.chains = std::move(chains);
  return f;
}

}  // namespace hangscope::analyze
