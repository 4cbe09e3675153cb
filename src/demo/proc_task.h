// Reading a task's state from /proc (stat, wchan, stack) and waiting for a given blocked state.
// Only files that take no mm lock are read: never cmdline, environ or maps.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/proc_stat.h"
#include "core/result.h"
#include "demo/deadline.h"

namespace hangscope::demo {

/// The fields of /proc/PID/stat (core/proc_stat.h).
using TaskStat = ProcStat;

/// Reads /proc/PID/stat; fails when the task is gone (or the file is unreadable).
Result<TaskStat> read_task_stat(pid_t pid);

/// /proc/PID/wchan: the function the task sleeps in; "" when running, gone or unreadable.
std::string read_task_wchan(pid_t pid);

/// Function names of /proc/PID/stack (root only), innermost first, offsets stripped;
/// empty when unreadable.
std::vector<std::string> read_task_stack(pid_t pid);

/// Parses /proc/PID/stack text ("[<0>] super_lock+0xf3/0x120") into function names.
std::vector<std::string> parse_task_stack(std::string_view text);

/// What a fixture waits for: a state letter among `states` and, when `wchans` is not empty,
/// a wchan equal to one of them.
struct TaskExpectation {
  std::string_view states;
  std::vector<std::string_view> wchans;
};

/// True when `stat` and `wchan` satisfy `want`.
bool task_matches(const TaskStat& stat, std::string_view wchan, const TaskExpectation& want);

/// Polls /proc every 2 ms until the task matches `want`. Fails (naming the pid, what it expected
/// and what it last saw) when the deadline passes or the task exits first, and at once after
/// SIGINT/SIGTERM/SIGHUP (see emergency::interrupted()).
Status wait_for_task(pid_t pid, const TaskExpectation& want, Millis timeout);

/// Pids of every process (main threads) whose /proc/PID/stat satisfies `match`; tasks that
/// vanish or cannot be read are skipped.
std::vector<pid_t> find_tasks(const std::function<bool(const TaskStat&)>& match);

/// Pids of every process on the machine sleeping in one of `wchans` (any state but R),
/// read from /proc/PID/{stat,wchan} only (main threads). Unreadable tasks are skipped.
std::vector<pid_t> tasks_sleeping_in(const std::vector<std::string_view>& wchans);

/// Pids of the kernel workers executing a work item of workqueue (or flusher) `work` right now:
/// the kworkers whose comm ends with "+`work`" ("kworker/u8:2+loop3", "kworker/u8:0+flush-0:52";
/// the kernel appends the workqueue's name to a busy worker's comm).
std::vector<pid_t> kernel_workers_running(std::string_view work);

/// Waits (bounded) for a worker of `work` (see kernel_workers_running) sleeping in one of
/// `wchans`; returns its pid. Fails at the deadline (or on SIGINT/SIGTERM/SIGHUP) naming `work`.
Result<pid_t> wait_for_kernel_worker(std::string_view work,
                                     const std::vector<std::string_view>& wchans, Millis timeout);

/// Waits (bounded) until no task sleeps in one of `wchans`. Fails naming such a task, with
/// `why` (the reason the fixture cannot start while it does).
Status wait_until_no_task_sleeps_in(const std::vector<std::string_view>& wchans, Millis timeout,
                                    std::string_view why);

/// "pid 12 (sync) D in super_lock", or "pid 12: gone"; for messages.
std::string describe_task(pid_t pid);

}  // namespace hangscope::demo
