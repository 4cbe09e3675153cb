#include "demo/hangfs_daemon.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "demo/emergency.h"
#include "demo/fuse_control.h"
#include "demo/mountinfo.h"
#include "demo/proc_task.h"
#include "demo/unique_fd.h"

namespace hangscope::demo {

Result<std::string> find_hangfs_binary(const std::string& preferred) {
  if (!preferred.empty() && ::access(preferred.c_str(), X_OK) == 0) return preferred;
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  std::string beside;
  if (n > 0) {
    std::string exe(self, static_cast<size_t>(n));
    std::string dir = exe.substr(0, exe.rfind('/') + 1);
    beside = dir + "hangfs";
    if (::access(beside.c_str(), X_OK) == 0) return beside;
    // An installed hangscope (PREFIX/sbin/hangscope) keeps it in PREFIX/libexec/hangscope/.
    std::string installed = dir + "../libexec/hangscope/hangfs";
    if (::access(installed.c_str(), X_OK) == 0) return installed;
  }
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (!rest.empty()) {
      auto colon = rest.find(':');
      std::string dir(rest.substr(0, colon));
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
      if (dir.empty()) continue;
      std::string candidate = dir + "/hangfs";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return make_error(
      fmt::format("hangfs binary not found (looked at {}{}and on PATH); build it: ninja hangfs",
                  preferred.empty() ? "" : preferred + ", ", beside.empty() ? "" : beside + ", "));
}

HangfsDaemon::HangfsDaemon(HangfsDaemon&& o) noexcept
    : process_(std::move(o.process_)),
      emergency_slot_(std::exchange(o.emergency_slot_, -1)),
      connection_id_(o.connection_id_),
      major_(o.major_),
      minor_(o.minor_),
      mount_point_(std::move(o.mount_point_)) {}

HangfsDaemon& HangfsDaemon::operator=(HangfsDaemon&& o) noexcept {
  if (this != &o) {
    kill();
    process_ = std::move(o.process_);
    emergency_slot_ = std::exchange(o.emergency_slot_, -1);
    connection_id_ = o.connection_id_;
    major_ = o.major_;
    minor_ = o.minor_;
    mount_point_ = std::move(o.mount_point_);
  }
  return *this;
}

HangfsDaemon::~HangfsDaemon() { kill(); }

Result<HangfsDaemon> HangfsDaemon::start(const HangfsOptions& options) {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) {
    return make_error(fmt::format("hangfs: pipe: {}", std::strerror(errno)));
  }
  UniqueFd ready_rd(ready[0]), ready_wr(ready[1]);
  std::vector<std::string> argv = {options.binary, "--ready-fd", "3", "--file", options.file_name};
  if (!options.block_device.empty()) {
    argv.push_back("-o");
    argv.push_back("blkdev,fsname=" + options.block_device);
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  argv.push_back(options.mount_point);
  auto child = ChildProcess::spawn(argv, ready_wr.get());
  if (!child) return child.error();
  ready_wr.reset();
  HangfsDaemon d;
  d.process_ = std::move(child).value();
  d.emergency_slot_ = emergency::add_kill(d.process_.pid());
  d.mount_point_ = options.mount_point;

  char line[6];
  Status s = read_exact(ready_rd.get(), line, sizeof(line), options.timeout,
                        fmt::format("hangfs (pid {}) mounting {}", d.pid(), options.mount_point));
  if (!s) return s.error();
  if (std::string_view(line, sizeof(line)) != "ready\n") {
    return make_error(fmt::format("hangfs (pid {}): unexpected readiness line", d.pid()));
  }
  auto mounts = read_mountinfo();
  if (!mounts) return mounts.error();
  auto m = find_mount(*mounts, options.mount_point);
  if (!m) {
    return make_error(fmt::format("hangfs said ready but {} is not in /proc/self/mountinfo",
                                  options.mount_point));
  }
  d.major_ = m->major;
  d.minor_ = m->minor;
  d.connection_id_ = fuse_connection_id(m->major, m->minor);
  return d;
}

Status HangfsDaemon::stop(Millis timeout) {
  if (!process_.running()) return make_error("hangfs: not running");
  process_.signal(SIGSTOP);
  return wait_for_task(pid(), {"T", {}}, timeout);
}

Status HangfsDaemon::kill(Millis timeout) {
  if (!process_.running()) return Unit{};
  // Forget the emergency kill before reaping: afterwards the pid may belong to someone else.
  emergency::remove(std::exchange(emergency_slot_, -1));
  return process_.kill_and_reap(timeout);
}

Status guard_daemon(Guardian& guardian, const HangfsDaemon& daemon) {
  Status s = guardian.on_death_write(fuse_abort_path(daemon.connection_id()), "1");
  if (s) s = guardian.on_death_kill(daemon.pid());
  if (s) s = guardian.on_death_unmount(daemon.mount_point());
  return s;
}

}  // namespace hangscope::demo
