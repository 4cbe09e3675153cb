#include "collect/proc_scan.h"

#include <dirent.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "collect/proc_parse.h"
#include "collect/read_file.h"
#include "kernel/lock_sites.h"
#include "model/enums.h"

namespace hangscope::collect {

namespace {

std::vector<int> list_numeric(const std::string& dir) {
  std::vector<int> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long v = std::strtol(e->d_name, &end, 10);
    if (end && *end == '\0' && v > 0) out.push_back(static_cast<int>(v));
  }
  ::closedir(d);
  return out;
}

bool holds_dev_fuse(int pid) {
  std::string dir = fmt::format("/proc/{}/fd", pid);
  for (int fd : list_numeric(dir)) {
    char buf[64];
    ssize_t n = ::readlink(fmt::format("{}/{}", dir, fd).c_str(), buf, sizeof buf - 1);
    if (n == 9 && std::memcmp(buf, "/dev/fuse", 9) == 0) return true;
  }
  return false;
}

}  // namespace

Status collect_proc(model::Snapshot& snap) {
  std::vector<int> pids = list_numeric("/proc");
  if (pids.empty()) return make_error("/proc: cannot list processes");
  bool stacks_readable = true;
  std::vector<int> fuse_daemons;
  for (int pid : pids) {
    for (int tid : list_numeric(fmt::format("/proc/{}/task", pid))) {
      std::string base = fmt::format("/proc/{}/task/{}", pid, tid);
      auto stat_text = read_small_file(base + "/stat", 4096);
      if (!stat_text.ok()) continue;  // exited meanwhile
      auto st = parse_proc_stat(*stat_text);
      if (!st.ok()) continue;
      char c = st->state;
      if (c == 'S') {
        // Interruptible sleepers matter when they sleep in a known wait (a FUSE request, a
        // userfaultfd) while holding locks others need: keep those, judged by wchan.
        auto wchan = read_small_file(base + "/wchan", 256);
        if (!wchan.ok() || !kernel::find_site(*wchan, kernel::SiteRole::waits)) continue;
      } else if (c != 'D' && c != 'T' && c != 't') {
        continue;
      }
      model::Task t;
      t.pid = tid;
      t.tgid = pid;
      t.comm = st->comm;
      t.state = model::task_state_from_letter(c);
      t.stuck_seconds = Maybe<double>::unknown("no BPF: time since last run unknown");
      if (c == 'S') t.state = model::TaskState::sleeping;
      if (c == 'T') t.stop_reason = "SIGSTOP";
      if (c == 't') t.stop_reason = "ptrace";
      if (auto stack = read_small_file(base + "/stack", 16384); stack.ok()) {
        t.stack = parse_proc_stack(*stack);
      } else {
        stacks_readable = false;
      }
      if (t.stack.empty()) {
        if (auto wchan = read_small_file(base + "/wchan", 256);
            wchan.ok() && !wchan->empty() && *wchan != "0")
          t.stack.push_back({0, *wchan, 0, "", true});
      }
      t.wait = Maybe<model::Wait>::unknown("no BPF: lock address unknown");
      snap.tasks.push_back(std::move(t));
    }
    if (holds_dev_fuse(pid)) fuse_daemons.push_back(pid);
  }
  if (!stacks_readable)
    snap.notes.push_back("/proc/PID/stack not readable (not root): waits guessed from wchan");
  if (!fuse_daemons.empty()) {
    // Without BPF the connection of each /dev/fuse file is unknown: attach them to the FUSE
    // mounts' connections only when there is exactly one (the live collector fills mounts).
    model::FuseConn c;
    c.id = 0;
    c.daemon_pids = fuse_daemons;
    snap.fuse_conns.push_back(std::move(c));
  }
  return Unit{};
}

}  // namespace hangscope::collect
