#include "demo/daemon_halt.h"

#include <fmt/format.h>
#include <unistd.h>

#include <thread>

#include "demo/fixture_support.h"
#include "demo/proc_task.h"

namespace hangscope::demo {
namespace {

/// A cgroup name no other run uses: "hangscope-TAG-PID-N".
std::string unique_cgroup_name(const char* tag) {
  static int counter = 0;
  return fmt::format("hangscope-{}-{}-{}", tag, ::getpid(), ++counter);
}

/// Polls `cg`'s `knob` until `done(text)` holds; fails at the deadline naming what it last read.
template <typename Pred>
Status wait_for_knob(const Cgroup& cg, const std::string& knob, Pred done, Millis timeout) {
  Deadline deadline(timeout);
  std::string last;
  for (;;) {
    auto text = cg.read(knob);
    if (!text) return text.error();
    if (done(*text)) return Unit{};
    last = *text;
    if (deadline.expired()) break;
    std::this_thread::sleep_for(Millis(5));
  }
  return make_error(
      fmt::format("{}/{} still reads '{}' after {} ms", cg.path(), knob, last, timeout.count()));
}

/// Creates a cgroup, registers its removal with the guardian, and moves `pid` into it.
Result<Cgroup> cgroup_with(TempDir& dir, Guardian& guardian, CgroupVersion version,
                           const char* controller, const char* tag, pid_t pid) {
  auto cg = Cgroup::create(dir, version, controller, unique_cgroup_name(tag));
  if (!cg) return cg.error();
  // Guardian order: its removals run last-registered first, so the cgroup goes before its view.
  Status s = guardian.on_death_unmount(cg->view());
  if (s) s = guardian.on_death_remove(cg->path());
  if (s) s = cg->add_process(pid);
  if (!s) return s.error();
  return cg;
}

}  // namespace

const char* daemon_halt_name(DaemonHalt halt) {
  switch (halt) {
    case DaemonHalt::kSigstop:
      return "sigstop";
    case DaemonHalt::kFreezerV1:
      return "freezer-v1";
    case DaemonHalt::kFreezerV2:
      return "freezer-v2";
    case DaemonHalt::kPtraceStop:
      return "ptrace-stop";
    case DaemonHalt::kSpin:
      return "spin";
    case DaemonHalt::kSpinThrottled:
      return "spin-throttled";
    case DaemonHalt::kSelfWrite:
      return "self-write";
  }
  return "?";
}

std::vector<std::string> hangfs_args_for(DaemonHalt halt) {
  switch (halt) {
    case DaemonHalt::kSpin:
    case DaemonHalt::kSpinThrottled:
      return {"--on-write", "spin"};
    case DaemonHalt::kSelfWrite:
      return {"--on-write", "self"};
    default:
      return {};
  }
}

bool halts_on_write(DaemonHalt halt) { return !hangfs_args_for(halt).empty(); }

Result<DaemonHold> DaemonHold::apply(DaemonHalt halt, HangfsDaemon& daemon, TempDir& dir,
                                     Guardian& guardian, Millis timeout) {
  DaemonHold hold;
  hold.halt_ = halt;
  const pid_t pid = daemon.pid();
  switch (halt) {
    case DaemonHalt::kSigstop: {
      if (Status s = daemon.stop(timeout); !s) return s.error();
      break;
    }
    case DaemonHalt::kFreezerV1:
    case DaemonHalt::kFreezerV2: {
      const bool v1 = halt == DaemonHalt::kFreezerV1;
      auto version = v1 ? CgroupVersion::kV1 : CgroupVersion::kV2;
      auto cg = cgroup_with(dir, guardian, version, "freezer", v1 ? "freeze" : "freeze2", pid);
      if (!cg) return cg.error();
      hold.cgroup_ = std::move(cg).value();
      const std::string knob = v1 ? "freezer.state" : "cgroup.freeze";
      // Thaw first on death: a v1-frozen task does not even die of SIGKILL while frozen.
      Status s = guardian.on_death_write(hold.cgroup_->knob_path(knob), v1 ? "THAWED" : "0");
      if (s) s = hold.cgroup_->write(knob, v1 ? "FROZEN" : "1");
      if (!s) return s.error();
      hold.frozen_ = true;
      if (v1) {
        s = wait_for_knob(
            *hold.cgroup_, knob, [](const std::string& t) { return t == "FROZEN"; }, timeout);
      } else {
        s = wait_for_knob(
            *hold.cgroup_, "cgroup.events",
            [](const std::string& t) { return t.find("frozen 1") != std::string::npos; }, timeout);
      }
      // v1 parks the task in __refrigerator (D); v2 in a job-control trap, do_freezer_trap (S),
      // inlined into get_signal on 6.1 and 6.18.
      const TaskExpectation frozen = v1 ? TaskExpectation{"D", {"__refrigerator"}}
                                        : TaskExpectation{"S", {"get_signal", "do_freezer_trap"}};
      if (s) s = wait_for_task(pid, frozen, timeout);
      if (!s) return make_error(fmt::format("{}: {}", daemon_halt_name(halt), s.error().message));
      break;
    }
    case DaemonHalt::kPtraceStop: {
      auto tracer = PtraceStop::start(pid, timeout);
      if (!tracer) return tracer.error();
      hold.tracer_ = std::move(tracer).value();
      if (Status s = guardian.on_death_kill(hold.tracer_->tracer_pid()); !s) return s.error();
      break;
    }
    case DaemonHalt::kSpinThrottled: {
      auto cg = cgroup_with(dir, guardian, CgroupVersion::kV1, "cpu", "quota", pid);
      if (!cg) return cg.error();
      hold.cgroup_ = std::move(cg).value();
      Status s = hold.cgroup_->write("cpu.cfs_period_us", "100000");
      if (s) s = hold.cgroup_->write("cpu.cfs_quota_us", "1000");
      if (!s) return s.error();
      break;
    }
    case DaemonHalt::kSpin:
    case DaemonHalt::kSelfWrite:
      break;
  }
  return hold;
}

Status DaemonHold::release(Millis timeout) {
  CleanupErrors errors;
  if (frozen_ && cgroup_) {
    const bool v1 = cgroup_->version() == CgroupVersion::kV1;
    Status s = cgroup_->write(v1 ? "freezer.state" : "cgroup.freeze", v1 ? "THAWED" : "0");
    if (s) frozen_ = false;
    errors.add(s);
  }
  if (halt_ == DaemonHalt::kSpinThrottled && cgroup_ && cgroup_->created()) {
    errors.add(cgroup_->write("cpu.cfs_quota_us", "-1"));
  }
  if (tracer_) errors.add(tracer_->end(timeout));
  return errors.result();
}

Status DaemonHold::remove(Millis timeout) {
  if (!cgroup_) return Unit{};
  return cgroup_->remove(timeout);
}

}  // namespace hangscope::demo
