#include "collect/live.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <set>

#include "collect/bpf_scan.h"
#include "collect/kallsyms.h"
#include "collect/machine_mounts.h"
#include "collect/mountinfo.h"
#include "collect/proc_parse.h"
#include "collect/proc_scan.h"
#include "collect/read_file.h"
#include "kernel/cgroup_path.h"
#include "kernel/taint.h"
#include "log/kmsg_reader.h"
#include "log/log_parser.h"
#include "log/to_snapshot.h"

namespace hangscope::collect {

namespace {

void add_kernel_facts(model::Snapshot& snap) {
  utsname u{};
  if (::uname(&u) == 0) snap.kernel.release = u.release;
  if (auto up = read_small_file("/proc/uptime", 128); up.ok())
    snap.uptime_seconds = std::strtod(up->c_str(), nullptr);
  if (auto t = read_small_file("/proc/sys/kernel/tainted", 64); t.ok()) {
    if (auto mask = kernel::taint_mask_from_proc(*t)) {
      snap.kernel.taint = *mask == 0 ? std::string("none") : fmt::format("{:#x}", *mask);
      snap.kernel.taint_flags = *mask;
    } else {
      std::string why = "/proc/sys/kernel/tainted: not a number";
      snap.kernel.taint = Maybe<std::string>::unknown(why);
      snap.kernel.taint_flags = Maybe<std::uint64_t>::unknown(why);
    }
  }
}

std::vector<std::uint32_t> list_fuse_connections() {
  std::vector<std::uint32_t> out;
  if (DIR* d = ::opendir("/sys/fs/fuse/connections")) {
    while (dirent* e = ::readdir(d)) {
      char* end = nullptr;
      unsigned long v = std::strtoul(e->d_name, &end, 10);
      if (end && *end == '\0' && e->d_name[0] != '\0') out.push_back(static_cast<std::uint32_t>(v));
    }
    ::closedir(d);
  }
  return out;
}

void add_mount_points(model::Snapshot& snap) {
  auto table = read_machine_mounts();
  if (!table.ok()) {
    snap.notes.push_back("mount points unknown: " + table.error().message);
    return;
  }
  if (table->from_init)
    snap.notes.push_back(
        "mount points as pid 1 sees them: hangscope runs in another mount namespace");
  const std::vector<MountEntry>& mounts = table->mounts;
  for (auto& sb : snap.super_blocks) {
    if (!sb.dev.known()) continue;
    for (const auto& m : mounts) {
      if (m.dev() == *sb.dev) sb.mount_points.push_back(m.mount_point);
    }
  }
  // /proc fallback: one FUSE daemon group, connection unknown -> the only FUSE mount's device.
  if (snap.fuse_conns.size() == 1 && snap.fuse_conns[0].id == 0) {
    std::map<std::uint32_t, std::string> fuse_devs;
    for (const auto& m : mounts) {
      if (m.fs_type.rfind("fuse", 0) == 0 && m.fs_type != "fusectl")
        fuse_devs[m.dev()] = m.mount_point;
    }
    std::uint32_t only = fuse_devs.size() == 1 ? fuse_devs.begin()->first : 0;
    if (fuse_devs.empty()) {
      // The mount may be detached already (a umount in progress): the connections directory
      // still lists its connection.
      auto conns = list_fuse_connections();
      if (conns.size() == 1) only = conns.front();
    }
    if (only != 0) {
      snap.fuse_conns[0].id = only;
      snap.fuse_conns[0].abort_path =
          fmt::format("/sys/fs/fuse/connections/{}/abort", snap.fuse_conns[0].id);
    } else {
      snap.fuse_conns.clear();
      snap.notes.push_back("FUSE daemons found but their connections are unknown without BPF");
    }
  }
}

// Tasks the kernel log says died in an Oops (or BUG, GPF...), for naming dead lock owners; and
// the log's reports. /dev/kmsg is read without blocking; unreadable is only a note.
void add_kernel_log(model::Snapshot& snap) {
  log::LogParser parser;
  auto st = log::read_kmsg([&](std::string_view line) { parser.feed(line); });
  if (!st.ok()) {
    snap.notes.push_back("kernel log not read (dead lock owners are not named): " +
                         st.error().message);
    return;
  }
  parser.finish();
  model::Snapshot from_log = log::to_snapshot(parser.digest());
  std::set<int> live;
  for (const auto& t : snap.tasks) live.insert(t.pid);
  for (auto& t : from_log.tasks) {
    if (t.state != model::TaskState::dead || t.death.empty() || live.count(t.pid)) continue;
    t.task_addr = Maybe<std::uint64_t>::unknown("from the kernel log");
    t.wait = Maybe<model::Wait>::unknown("died");
    snap.tasks.push_back(std::move(t));
  }
  for (auto& e : from_log.log_events) snap.log_events.push_back(std::move(e));
}

void add_cgroups(model::Snapshot& snap) {
  for (auto& t : snap.tasks) {
    auto text = read_small_file(fmt::format("/proc/{}/cgroup", t.tgid), 65536);
    if (!text.ok()) {
      t.cgroup = Maybe<std::string>::unknown("exited or unreadable");
      continue;
    }
    t.cgroup = kernel::cgroup_path_of(*text);
    std::string c = kernel::container_label(kernel::parse_cgroup_path(*t.cgroup));
    if (!c.empty())
      t.container = c;
    else
      t.container = Maybe<std::string>::unknown("no container id in cgroup path");
  }
}

}  // namespace

Result<model::Snapshot> collect_live(const LiveOptions& options) {
  model::Snapshot snap;
  add_kernel_facts(snap);
  Status bpf = make_error("disabled by --no-bpf");
  if (options.allow_bpf) {
    Kallsyms syms;
    bool loaded = false;
    auto load_syms = [&]() -> const Kallsyms& {
      if (!loaded) {
        loaded = true;
        if (auto k = Kallsyms::load(); k.ok())
          syms = std::move(*k);
        else
          snap.notes.push_back("stacks not symbolized: " + k.error().message);
      }
      return syms;
    };
    if (::geteuid() != 0)
      bpf = make_error("not root");
    else
      bpf = collect_bpf(snap, load_syms);
    if (bpf.ok()) {
      snap.source = "bpf";
    }
  }
  if (!bpf.ok()) {
    snap = model::Snapshot{};
    add_kernel_facts(snap);
    snap.notes.push_back("no BPF (" + bpf.error().message +
                         "): /proc fallback; lock addresses and owners are guessed from stacks");
    if (auto p = collect_proc(snap); !p.ok()) return p.error();
    snap.source = "proc";
  }
  add_mount_points(snap);
  add_cgroups(snap);
  add_kernel_log(snap);
  return snap;
}

}  // namespace hangscope::collect
