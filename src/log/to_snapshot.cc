#include "log/to_snapshot.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "kernel/lock_sites.h"
#include "kernel/stack_context.h"
#include "kernel/taint.h"
#include "kernel/wait_kind.h"
#include "model/enums.h"

namespace hangscope::log {

namespace {

using model::Confidence;
using model::LockMode;

bool is_fatal(EventKind k) {
  return k == EventKind::oops || k == EventKind::gpf || k == EventKind::kernel_bug;
}

class Builder {
 public:
  explicit Builder(const LogDigest& d) : d_(d) {}
  model::Snapshot build();

 private:
  model::Task& task(int pid, const std::string& comm);
  void add_dumps();
  void add_oopses();
  void add_blockers();
  void add_held_lock_dumps();
  void add_events();
  std::string unique_lock_name(const std::string& base, int owner_pid);

  const LogDigest& d_;
  model::Snapshot s_;
  std::map<int, std::size_t> by_pid_;
  std::map<std::string, int> lock_owner_;  // lock name -> owner pid (to keep names distinct)
};

model::Task& Builder::task(int pid, const std::string& comm) {
  auto it = by_pid_.find(pid);
  if (it != by_pid_.end()) return s_.tasks[it->second];
  model::Task t;
  t.pid = pid;
  t.tgid = pid;
  t.comm = comm;
  by_pid_.emplace(pid, s_.tasks.size());
  s_.tasks.push_back(std::move(t));
  return s_.tasks.back();
}

void Builder::add_dumps() {
  std::map<int, double> blocked;
  for (const Event& e : d_.events)
    if (e.kind == EventKind::hung_task && e.pid.known() && e.blocked_seconds.known())
      blocked[*e.pid] = std::max(blocked[*e.pid], *e.blocked_seconds);
  for (const TaskDump& dump : d_.tasks) {
    model::Task& t = task(dump.pid, dump.comm);
    t.state = model::task_state_from_letter(dump.state);
    t.tgid = dump.tgid.value_or(dump.pid);
    t.stack = dump.stack;
    if (auto it = blocked.find(dump.pid); it != blocked.end())
      t.stuck_seconds = it->second;
    else
      t.stuck_seconds = Maybe<double>::unknown("not reported by the hung-task detector");
  }
}

void Builder::add_oopses() {
  for (const Event& e : d_.events) {
    if (!is_fatal(e.kind) || !e.pid.known() || *e.pid <= 0) continue;
    // A later dump of the same pid means the task survived.
    bool later_dump = false;
    for (const TaskDump& dump : d_.tasks)
      later_dump = later_dump || (dump.pid == *e.pid && dump.timestamp > e.timestamp);
    if (later_dump) continue;
    model::Task& t = task(*e.pid, e.comm);
    t.state = model::TaskState::dead;
    t.stuck_seconds = Maybe<double>::unknown("killed by an Oops");
    t.death = e.timestamp >= 0
                  ? fmt::format("killed by an Oops at {:.3f} s: {}", e.timestamp, e.title)
                  : fmt::format("killed by an Oops: {}", e.title);
    t.stack.clear();
    if (!e.rip.symbol.empty()) t.stack.push_back(e.rip);
    for (const auto& f : e.call_trace)
      if (t.stack.empty() || !(f.symbol == t.stack.front().symbol && t.stack.size() == 1))
        t.stack.push_back(f);
    // An Oops in a module while it is being loaded (modprobe -> init): the module itself.
    if (kernel::loads_a_module(t.stack) && !e.rip.module.empty())
      s_.notes.push_back(
          fmt::format("{} (pid {}) crashed loading module {} ({}): after the reboot, load {} where "
                      "it works (e.g. "
                      "on the host before starting containers) instead of where it crashed",
                      t.comm, t.pid, e.rip.module, e.rip.symbol, e.rip.module));
    for (const kernel::LockSite* site : kernel::find_held_sites(t.stack)) {
      model::Lock l;
      l.addr = Maybe<std::uint64_t>::unknown("kernel log: no address");
      l.kind = site->kind;
      l.name = unique_lock_name(std::string(site->lock_name), t.pid);
      l.owner_pid = t.pid;
      l.owner_comm = t.comm;
      l.owner_mode = site->mode;
      l.confidence = Confidence::likely;
      l.how_found =
          fmt::format("the Oops hit {} inside {}, which holds it ({}): leaked",
                      t.stack.empty() ? "?" : t.stack.front().symbol, site->function, site->source);
      s_.locks.push_back(std::move(l));
    }
  }
}

std::string Builder::unique_lock_name(const std::string& base, int owner_pid) {
  std::string name = base;
  for (int n = 2; n < 1000; ++n) {
    auto it = lock_owner_.find(name);
    if (it == lock_owner_.end()) {
      lock_owner_.emplace(name, owner_pid);
      return name;
    }
    if (it->second == owner_pid) return name;
    name = fmt::format("{} #{}", base, n);
  }
  return name;
}

void Builder::add_blockers() {
  for (const BlockerLine& b : d_.blockers) {
    model::Task& w = task(b.waiter_pid, b.waiter_comm);
    model::Wait wait;
    wait.kind = b.kind;
    wait.mode = b.waiter_mode;
    wait.confidence = Confidence::likely;
    wait.how_found = "hung-task blocker line";
    wait.lock_addr = Maybe<std::uint64_t>::unknown("kernel log: the blocker line gives no address");
    wait.object_addr = Maybe<std::uint64_t>::unknown("kernel log");
    const kernel::LockSite* site = kernel::find_wait_site(w.stack);
    std::string base;
    if (site && site->kind == b.kind) {
      base = std::string(site->lock_name);
      wait.object_type = site->object;
      wait.wait_function = std::string(site->function);
      if (wait.mode == LockMode::unknown) wait.mode = site->mode;
      wait.how_found += fmt::format(" + knowledge table: {}", site->function);
    } else {
      base = fmt::format("{} blocking {}", model::to_string(b.kind), b.waiter_pid);
    }
    wait.lock_name = b.owner_found ? unique_lock_name(base, b.owner_pid) : base;
    if (b.owner_found) {
      model::Task& o = task(b.owner_pid, b.owner_comm);
      (void)o;
      bool exists = false;
      for (const auto& l : s_.locks) exists = exists || l.name == wait.lock_name;
      if (!exists) {
        model::Lock l;
        l.addr = Maybe<std::uint64_t>::unknown("kernel log: no address");
        l.kind = b.kind;
        l.name = wait.lock_name;
        l.owner_pid = b.owner_pid;
        l.owner_comm = b.owner_comm;
        l.owner_mode = b.owner_mode;
        l.confidence = Confidence::likely;
        l.how_found = "hung-task blocker line (\"likely owned by\")";
        s_.locks.push_back(std::move(l));
      }
    }
    // task() may have reallocated: look the waiter up again.
    task(b.waiter_pid, b.waiter_comm).wait = std::move(wait);
  }
}

void Builder::add_held_lock_dumps() {
  for (const HeldLockDump& dump : d_.held_locks) {
    task(dump.pid, dump.comm);
    const model::Task& t = task(dump.pid, dump.comm);
    const kernel::LockSite* waits_at = kernel::find_wait_site(t.stack);
    for (std::size_t i = 0; i < dump.locks.size(); ++i) {
      const HeldLock& h = dump.locks[i];
      if (h.lock_name.empty()) continue;
      // lockdep lists a lock being acquired before the task sleeps on it: the last entry
      // taken where the task waits is its wait, not a hold.
      bool last = i + 1 == dump.locks.size();
      if (last && waits_at && waits_at->lock_name == h.lock_name &&
          t.state == model::TaskState::disk_sleep)
        continue;
      model::Lock l;
      l.addr = Maybe<std::uint64_t>::unknown("kernel log: matched by name");
      l.kind = kernel::lock_kind_from_name(h.lock_name);
      l.name = unique_lock_name(h.lock_name, dump.pid);
      l.owner_pid = dump.pid;
      l.owner_comm = dump.comm;
      l.confidence = Confidence::likely;
      l.how_found = h.addr.known()
                        ? fmt::format("lockdep held-lock dump: #{} {:#x} ({}) taken at {}", h.index,
                                      *h.addr, h.class_name, h.at_function)
                        : fmt::format("lockdep held-lock dump: #{} ({}) taken at {}", h.index,
                                      h.class_name, h.at_function);
      bool exists = false;
      for (const auto& x : s_.locks)
        exists = exists || (x.name == l.name && x.owner_pid == l.owner_pid);
      if (!exists) s_.locks.push_back(std::move(l));
    }
  }
}

void Builder::add_events() {
  for (const Event& e : d_.events) {
    model::LogEvent le;
    le.kind = std::string(to_string(e.kind));
    le.title = e.title;
    if (e.pid.known())
      le.pid = *e.pid;
    else
      le.pid = Maybe<int>::unknown("not printed");
    le.comm = e.comm;
    if (e.timestamp >= 0)
      le.timestamp = e.timestamp;
    else
      le.timestamp = Maybe<double>::unknown("no printk timestamp");
    le.stack = e.call_trace;
    s_.log_events.push_back(std::move(le));
  }
}

model::Snapshot Builder::build() {
  s_.source = "log";
  s_.uptime_seconds = Maybe<double>::unknown("kernel log");
  s_.kernel.release = d_.release;
  if (d_.taint_known) {
    s_.kernel.taint = d_.taint.empty() ? std::string("not tainted") : d_.taint;
    s_.kernel.taint_flags = kernel::taint_mask_from_letters(d_.taint);
  } else {
    s_.kernel.taint = Maybe<std::string>::unknown("not printed in the log");
    s_.kernel.taint_flags = Maybe<std::uint64_t>::unknown("not printed in the log");
  }
  s_.kernel.has_blocker_field = Maybe<bool>::unknown("kernel log");
  add_dumps();
  add_oopses();
  add_blockers();
  add_held_lock_dumps();
  add_events();
  // sb_writers (the freeze lock) is taken for write only by a freeze: writers waiting on it
  // with nobody named as owner mean the filesystem is (being) frozen.
  std::set<std::string> frozen_waiters;
  for (const auto& t : s_.tasks) {
    const kernel::LockSite* site = t.wait.known() ? nullptr : kernel::find_wait_site(t.stack);
    if (site && site->lock_name == "sb_writers" && t.state == model::TaskState::disk_sleep)
      frozen_waiters.insert(fmt::format("{} ({})", t.comm, t.pid));
  }
  if (!frozen_waiters.empty()) {
    std::string who;
    for (const auto& w : frozen_waiters) who += (who.empty() ? "" : ", ") + w;
    s_.notes.push_back(fmt::format(
        "{} wait for sb_writers, which only a freeze holds for write, and no task owns it: "
        "the filesystem is likely frozen (fsfreeze -f); remedy: fsfreeze -u MOUNTPOINT",
        who));
  }
  if (d_.events_dropped)
    s_.notes.push_back(fmt::format("{} reports beyond the first {} were counted but not kept",
                                   d_.events_dropped, d_.events.size()));
  if (d_.truncated_lines)
    s_.notes.push_back(fmt::format("{} over-long lines were truncated", d_.truncated_lines));
  return std::move(s_);
}

}  // namespace

model::Snapshot to_snapshot(const LogDigest& digest) { return Builder(digest).build(); }

}  // namespace hangscope::log
