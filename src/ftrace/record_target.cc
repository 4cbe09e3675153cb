#include "ftrace/record_target.h"

#include <dirent.h>
#include <unistd.h>

#include <climits>
#include <string_view>

#include "ftrace/trace_scan.h"
#include "ftrace/tracefs.h"
#include "ftrace/tracefs_saver.h"

namespace hangscope::ftrace {
namespace {

std::string first_entries(const std::string& list, size_t max) {
  std::string out;
  size_t n = 0, pos = 0;
  while (pos <= list.size()) {
    size_t nl = list.find('\n', pos);
    std::string e = list.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!e.empty()) {
      if (n++ == max) return out + ", ...";
      out += (out.empty() ? "" : ", ") + escape_text(e);
    }
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string top_level_busy_reason(const TopLevelUse& use) {
  std::string why;
  auto add = [&](const std::string& s) { why += (why.empty() ? "" : "; ") + s; };
  if (!use.current_tracer.empty() && use.current_tracer != "nop")
    add("current_tracer is " + escape_text(use.current_tracer));
  if (!use.set_event.empty()) add("events enabled: " + first_entries(use.set_event, 3));
  for (const auto& h : use.holders) add(h);
  return why;
}

TargetChoice choose_target(const TargetProbe& p, bool want_top_level, bool force) {
  TargetChoice c;
  if (!want_top_level && p.instance_has_tracer) return c;  // the private instance
  std::string busy = top_level_busy_reason(p.top);
  std::string why_top =
      want_top_level ? std::string("--top-level was given")
                     : "this kernel (" + p.release + ") cannot run " + p.tracer +
                           " in a tracefs instance (instances offer: " +
                           (p.instance_available.empty() ? "nothing" : p.instance_available) +
                           "), only in the top-level one";
  if (!busy.empty() && !force) {
    c.error = why_top + ", and the top-level instance " + p.root + " is in use (" + busy +
              "). Stop that user (e.g. `echo nop > " + p.root + "/current_tracer`, `echo > " +
              p.root +
              "/set_event`) or pass --force to take it over: its settings are saved and "
              "restored, its buffer is cleared";
    return c;
  }
  c.top_level = true;
  c.notes.push_back(why_top + ": tracing in the top-level instance " + p.root +
                    "; its settings are restored on exit");
  if (!busy.empty())
    c.notes.push_back("--force: took over the top-level instance although it was in use (" + busy +
                      "); its buffer contents are lost");
  return c;
}

TopLevelUse read_top_level_use(const std::string& root, size_t max_holders) {
  TopLevelUse u;
  auto tracer = read_control(root + "/current_tracer", 4096);
  u.current_tracer = tracer ? restorable_value(ControlKind::kScalar, *tracer) : "";
  if (u.current_tracer.empty()) u.current_tracer = "nop";
  if (auto ev = read_control(root + "/set_event"))
    u.set_event = restorable_value(ControlKind::kList, *ev);
  // Processes holding trace_pipe (or any tracefs file) open: a reader would consume our trace.
  DIR* proc = ::opendir("/proc");
  if (!proc) return u;
  std::string self = std::to_string(::getpid()), prefix = root + "/";
  while (dirent* d = ::readdir(proc)) {
    if (u.holders.size() >= max_holders) break;
    if (!all_digits(d->d_name) || self == d->d_name) continue;
    std::string fd_dir = std::string("/proc/") + d->d_name + "/fd";
    DIR* fds = ::opendir(fd_dir.c_str());
    if (!fds) continue;
    while (dirent* f = ::readdir(fds)) {
      if (!all_digits(f->d_name)) continue;
      char link[PATH_MAX];
      ssize_t n = ::readlink((fd_dir + "/" + f->d_name).c_str(), link, sizeof link - 1);
      if (n <= 0) continue;
      std::string target(link, static_cast<size_t>(n));
      if (!target.starts_with(prefix) || target.starts_with(prefix + "instances/")) continue;
      auto comm = read_control(std::string("/proc/") + d->d_name + "/comm", 64);
      std::string name = comm ? restorable_value(ControlKind::kScalar, *comm) : "?";
      u.holders.push_back("pid " + std::string(d->d_name) + " (" + escape_text(name) + ") has " +
                          escape_text(target.substr(prefix.size())) + " open");
      break;
    }
    ::closedir(fds);
  }
  ::closedir(proc);
  return u;
}

}  // namespace hangscope::ftrace
