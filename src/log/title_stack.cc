#include "log/title_stack.h"

namespace hangscope::log {

namespace {

// Fault-injection frames mixed into a report make it unreliable.
bool is_corrupted_line(std::string_view line) {
  std::string_view f1, f2;
  return match_frame_line(line, f1, f2) >= 1 && f1.starts_with("should_fail");
}

// Frames where a stall or a lockup is usually dispatched from: the frame before them names it.
const SkipList& stall_anchors() {
  static const SkipList anchors({"process_one_work",
                                 "do_syscall_",
                                 "do_fast_syscall_",
                                 "sysenter_dispatch",
                                 "tracesys_phase2",
                                 "el0_svc_handler",
                                 "invoke_syscall",
                                 "ret_fast_syscall",
                                 "netif_receive_skb",
                                 "do_softirq",
                                 "call_timer_fn",
                                 "_run_timers",
                                 "run_timer_softirq",
                                 "hrtimer_run",
                                 "run_ksoftirqd",
                                 "smpboot_thread_fn",
                                 "^kthread$",
                                 "start_secondary",
                                 "cpu_startup_entry",
                                 "ret_from_fork",
                                 "vfs_write",
                                 "vfs_read",
                                 "vfs_iter_read",
                                 "vfs_iter_write",
                                 "do_iter_read",
                                 "do_iter_write",
                                 "call_read_iter",
                                 "call_write_iter",
                                 "new_sync_read",
                                 "new_sync_write",
                                 "vfs_ioctl",
                                 "ksys_ioctl",
                                 "compat_ioctl",
                                 "compat_sys_ioctl",
                                 "blkdev_driver_ioctl",
                                 "blkdev_ioctl",
                                 "do_iter_readv_writev",
                                 "^call_mmap",
                                 "mmap_region",
                                 "do_mmap",
                                 "do_dentry_open",
                                 "vfs_open",
                                 "^sock_sendmsg",
                                 "^sock_recvmsg",
                                 "^sock_release",
                                 "^__sock_release",
                                 "^setsockopt$",
                                 "kernel_setsockopt",
                                 "sock_common_setsockopt",
                                 "^listen$",
                                 "kernel_listen",
                                 "sk_common_release",
                                 "^sock_mmap",
                                 "^accept$",
                                 "kernel_accept",
                                 "^sock_do_ioctl",
                                 "^sock_ioctl",
                                 "^compat_sock_ioctl",
                                 "^nfnetlink_rcv_msg",
                                 "^rtnetlink_rcv_msg",
                                 "^netlink_dump",
                                 "^socketpair",
                                 "^connect",
                                 "^ioctl",
                                 "^sys_socketpair",
                                 "^sys_connect",
                                 "^sys_ioctl",
                                 "__do_fault",
                                 "do_page_fault",
                                 "^page_fault$",
                                 "__fput",
                                 "task_work_run",
                                 "exit_to_usermode",
                                 "smp_call_function",
                                 "tasklet_action",
                                 "tasklet_hi_action"},
                                false);
  return anchors;
}

int pick_stall(const std::vector<std::string_view>& frames) {
  int prev = 0;
  for (int i = 0; i < static_cast<int>(frames.size()); ++i) {
    if (stall_anchors().skips(frames[i])) {
      if (contains(frames[i], "smp_call_function")) return -2;  // the anchor itself
      return prev;
    }
    prev = i;
  }
  return -1;
}

int pick_hang(const std::vector<std::string_view>& frames, bool& rcu) {
  rcu = false;
  for (int i = 0; i < static_cast<int>(frames.size()); ++i) {
    std::string_view f = frames[i];
    if (contains(f, "rtnl_lock")) return i;
    for (std::string_view a :
         {"synchronize_rcu", "synchronize_srcu", "synchronize_net", "synchronize_sched"}) {
      if (contains(f, a)) {
        rcu = true;
        return i;
      }
    }
  }
  static constexpr std::string_view kSkip[] = {
      "sched",      "_lock", "_slowlock",   "down",           "rwsem",       "completion",
      "kthread",    "wait",  "synchronize", "context_switch", "__switch_to", "cancel_delayed_work",
      "rcu_barrier"};
  for (int i = 0; i < static_cast<int>(frames.size()); ++i) {
    bool skip = false;
    for (std::string_view s : kSkip) skip = skip || contains(frames[i], s);
    if (!skip) return i;
  }
  return -1;
}

std::string pick_frame(const std::vector<std::string_view>& raw, FramePick pick) {
  if (raw.empty()) return "";
  std::vector<std::string_view> stripped;
  stripped.reserve(raw.size());
  for (std::string_view f : raw) stripped.push_back(strip_syscall_prefix(f));
  switch (pick) {
    case FramePick::first:
      return std::string(stripped[0]);
    case FramePick::stall: {
      int i = pick_stall(stripped);
      if (i == -2) return "smp_call_function";
      return i < 0 ? "" : std::string(stripped[i]);
    }
    case FramePick::hang: {
      bool rcu = false;
      int i = pick_hang(stripped, rcu);
      if (i < 0) return "";
      return rcu ? "synchronize_rcu" : std::string(stripped[i]);
    }
  }
  return "";
}

// Matches a non-trace part on one line; -1 when it does not match.
int match_part(const StackPart& p, std::string_view line, std::string_view& f1,
               std::string_view& f2) {
  switch (p.kind) {
    case StackPart::rip: {
      int r = match_rip_line(line, f1);
      return r == 0 ? -1 : (r == 2 ? 1 : 0);
    }
    case StackPart::call_trace:
      return is_call_trace_line(line) ? 0 : -1;
    case StackPart::custom:
      return p.match(line, f1, f2);
    case StackPart::trace:
      return -1;
  }
  return -1;
}

// "_Z8fakeNameiii" -> "fakeName" (plain mangled C++ function names; others unchanged).
std::string_view demangle(std::string_view f) {
  if (f.size() < 4 || f[0] != '_' || f[1] != 'Z' || !is_dec_digit(f[2])) return f;
  std::size_t i = 2, len = 0;
  while (i < f.size() && is_dec_digit(f[i]) && i < 6)
    len = len * 10 + static_cast<std::size_t>(f[i++] - '0');
  if (len == 0 || i + len > f.size()) return f;
  return f.substr(i, len);
}

void add_frames(std::vector<std::string_view>& raw, const SkipList* skip, int n,
                std::string_view f1, std::string_view f2) {
  f1 = demangle(f1);
  f2 = demangle(f2);
  if (n >= 1 && !(skip && skip->skips(f1))) raw.push_back(f1);
  if (n >= 2 && !(skip && skip->skips(f2))) raw.push_back(f2);
}

bool run_parts(std::span<const std::string_view> lines, std::size_t li, std::size_t col,
               const std::vector<StackPart>& parts, const StackSpec& spec,
               std::vector<std::string>& out) {
  std::vector<std::string_view> raw;
  bool ok = true;
  int traces = 0;
  auto get = [&](std::size_t i) { return i == li && col ? lines[i].substr(col) : lines[i]; };
  const std::size_t first = li;
  std::size_t i = li;
  for (std::size_t pi = 0;; ++pi) {
    if (pi == parts.size() || (parts[pi].kind == StackPart::trace && traces > 0)) {
      std::string key = pick_frame(raw, spec.pick);
      if (key.empty()) {
        key = "corrupted";
        ok = false;
      }
      out.push_back(std::move(key));
      raw.clear();
    }
    if (pi == parts.size()) break;
    const StackPart& part = parts[pi];
    std::string_view f1, f2;
    if (part.kind == StackPart::trace) {
      ++traces;
      while (i < lines.size()) {
        std::string_view line = i == first ? get(i) : lines[i];
        ++i;
        std::string_view t1, t2;  // the line's own frames (one match serves both uses)
        int tn = match_frame_line(line, t1, t2);
        if (tn >= 1 && t1.starts_with("should_fail")) {  // is_corrupted_line
          ok = false;
          break;
        }
        if (is_stack_start(line)) break;
        if (pi + 1 < parts.size()) {
          int n = match_part(parts[pi + 1], line, f1, f2);
          if (n >= 0) {
            add_frames(raw, spec.skip, n, f1, f2);
            ++pi;
            break;
          }
        }
        add_frames(raw, spec.skip, tn, t1, t2);
        // The first frame decides and nothing follows this trace: stop reading.
        if (!raw.empty() && spec.pick == FramePick::first && pi + 1 == parts.size() &&
            spec.parts2.empty())
          break;
      }
    } else {
      while (i < lines.size()) {
        std::string_view line = i == first ? get(i) : lines[i];
        ++i;
        if (is_corrupted_line(line)) {
          ok = false;
          break;
        }
        int n = match_part(part, line, f1, f2);
        if (n >= 0) {
          add_frames(raw, spec.skip, n, f1, f2);
          break;
        }
      }
    }
  }
  return ok;
}

}  // namespace

bool extract_frames(std::span<const std::string_view> lines, std::size_t first, std::size_t col,
                    const StackSpec& spec, std::vector<std::string>& frames) {
  std::size_t mark = frames.size();
  bool ok = run_parts(lines, first, col, spec.parts, spec, frames);
  if (ok || spec.parts2.empty()) return ok;
  frames.resize(mark);
  return run_parts(lines, first, col, spec.parts2, spec, frames);
}

StackSpec call_trace_spec(const SkipList* skip, FramePick pick) {
  return StackSpec{{{StackPart::call_trace}, {StackPart::trace}}, {}, skip, pick};
}

StackSpec rip_trace_spec(const SkipList* skip, FramePick pick) {
  return StackSpec{{{StackPart::rip}, {StackPart::call_trace}, {StackPart::trace}}, {}, skip, pick};
}

namespace {
int rip_or_interrupt(std::string_view line, std::string_view& f1, std::string_view&) {
  int r = match_rip_line(line, f1);
  if (r) return r == 2 ? 1 : 0;
  std::size_t p = line.find("--- interrupt: ");
  if (p == std::string_view::npos) return -1;
  std::size_t i = p + 15;
  while (i < line.size() && is_dec_digit(line[i])) ++i;
  if (line.substr(i, 4) != " at ") return -1;
  i += 4;
  return match_func(line, i, f1) ? 1 : -1;
}
}  // namespace

StackSpec warning_spec(const SkipList* skip) {
  return StackSpec{{{StackPart::custom, rip_or_interrupt}, {StackPart::trace}},
                   {{StackPart::call_trace}, {StackPart::trace}},
                   skip,
                   FramePick::first};
}

}  // namespace hangscope::log
