#include "demo/proc_task.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "demo/emergency.h"
#include "demo/text_file.h"

namespace hangscope::demo {
namespace {

std::string proc_path(pid_t pid, const char* leaf) { return fmt::format("/proc/{}/{}", pid, leaf); }

}  // namespace

Result<TaskStat> read_task_stat(pid_t pid) {
  auto text = read_text_file(proc_path(pid, "stat"));
  if (!text) return text.error();
  return parse_proc_stat(*text);
}

std::string read_task_wchan(pid_t pid) {
  auto text = read_text_file(proc_path(pid, "wchan"), 512);
  if (!text || *text == "0") return "";
  return std::move(text).value();
}

std::vector<std::string> parse_task_stack(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    auto sp = line.find("] ");
    if (sp == std::string_view::npos) continue;
    line.remove_prefix(sp + 2);
    line = line.substr(0, line.find_first_of("+ "));
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

std::vector<std::string> read_task_stack(pid_t pid) {
  auto text = read_text_file(proc_path(pid, "stack"));
  if (!text) return {};
  return parse_task_stack(*text);
}

bool task_matches(const TaskStat& stat, std::string_view wchan, const TaskExpectation& want) {
  if (want.states.find(stat.state) == std::string_view::npos) return false;
  if (want.wchans.empty()) return true;
  return std::find(want.wchans.begin(), want.wchans.end(), wchan) != want.wchans.end();
}

Status wait_for_task(pid_t pid, const TaskExpectation& want, Millis timeout) {
  Deadline deadline(timeout);
  std::string last = "nothing";
  for (;;) {
    if (int sig = emergency::interrupted()) {
      return make_error(fmt::format("interrupted by signal {} while waiting for pid {}", sig, pid));
    }
    auto stat = read_task_stat(pid);
    if (!stat) {
      return make_error(fmt::format("pid {} exited while expected in state {}", pid, want.states));
    }
    // A zombie never blocks again: stop waiting at once.
    if (stat->state == 'Z' && want.states.find('Z') == std::string_view::npos) {
      return make_error(fmt::format("pid {} ({}) exited while expected in state {}", pid,
                                    stat->comm, want.states));
    }
    std::string wchan = read_task_wchan(pid);
    if (task_matches(*stat, wchan, want)) return Unit{};
    last = fmt::format("{} in {}", stat->state, wchan.empty() ? "-" : wchan);
    if (deadline.expired()) break;
    std::this_thread::sleep_for(Millis(2));
  }
  std::string wanted;
  for (auto w : want.wchans) wanted += fmt::format("{}{}", wanted.empty() ? "" : "|", w);
  return make_error(fmt::format("pid {}: expected state {} in {} within {} ms, last saw {}", pid,
                                want.states, wanted.empty() ? "any function" : wanted,
                                timeout.count(), last));
}

std::vector<pid_t> find_tasks(const std::function<bool(const TaskStat&)>& match) {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  if (!proc) return out;
  while (dirent* e = ::readdir(proc)) {
    pid_t pid = 0;
    std::string_view name = e->d_name;
    auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc() || p != name.data() + name.size()) continue;
    auto st = read_task_stat(pid);
    if (st && match(*st)) out.push_back(pid);
  }
  ::closedir(proc);
  return out;
}

std::vector<pid_t> tasks_sleeping_in(const std::vector<std::string_view>& wchans) {
  return find_tasks([&wchans](const TaskStat& st) {
    if (st.state == 'R') return false;
    std::string wchan = read_task_wchan(st.pid);
    return std::find(wchans.begin(), wchans.end(), wchan) != wchans.end();
  });
}

std::vector<pid_t> kernel_workers_running(std::string_view work) {
  std::string suffix = "+" + std::string(work);
  return find_tasks([&suffix](const TaskStat& st) {
    if (st.comm.rfind("kworker/", 0) != 0) return false;
    auto plus = st.comm.find('+');
    return plus != std::string::npos && st.comm.compare(plus, std::string::npos, suffix) == 0;
  });
}

Result<pid_t> wait_for_kernel_worker(std::string_view work,
                                     const std::vector<std::string_view>& wchans, Millis timeout) {
  Deadline deadline(timeout);
  for (;;) {
    for (pid_t w : kernel_workers_running(work)) {
      std::string wchan = read_task_wchan(w);
      if (std::find(wchans.begin(), wchans.end(), wchan) != wchans.end()) return w;
    }
    if (deadline.expired() || emergency::interrupted()) break;
    std::this_thread::sleep_for(Millis(5));
  }
  std::string wanted;
  for (auto w : wchans) wanted += fmt::format("{}{}", wanted.empty() ? "" : "|", w);
  return make_error(fmt::format("no kernel worker of {} sleeps in {} after {} ms", work, wanted,
                                timeout.count()));
}

Status wait_until_no_task_sleeps_in(const std::vector<std::string_view>& wchans, Millis timeout,
                                    std::string_view why) {
  Deadline quiet(timeout);
  auto stuck = tasks_sleeping_in(wchans);
  while (!stuck.empty() && !quiet.expired() && !emergency::interrupted()) {
    std::this_thread::sleep_for(Millis(50));
    stuck = tasks_sleeping_in(wchans);
  }
  if (stuck.empty()) return Unit{};
  return make_error(fmt::format("{} already sleeps in {}: {}", describe_task(stuck.front()),
                                read_task_wchan(stuck.front()), why));
}

std::string describe_task(pid_t pid) {
  auto stat = read_task_stat(pid);
  if (!stat) return fmt::format("pid {}: gone", pid);
  std::string wchan = read_task_wchan(pid);
  return fmt::format("pid {} ({}) {} in {}", pid, stat->comm, stat->state,
                     wchan.empty() ? "-" : wchan);
}

}  // namespace hangscope::demo
