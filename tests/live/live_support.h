// Shared helpers of the live tests: skip reasons, running the hangscope binary with a hard
// timeout, and reading its JSON chains (docs/json-schema.md).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hangscope::live {

/// Why live tests cannot run here ("not root", "no /dev/fuse"...), or "" when they can.
std::string live_skip_reason();

/// hangfs next to the test binary's build (HANGFS_BIN).
std::string hangfs_binary();

/// The outcome of one `hangscope ...` run.
struct RunResult {
  int exit_code = -1;  ///< -1 when killed by the timeout (or a signal)
  bool timed_out = false;
  std::string out;
  std::string err;
  double wall_ms = 0;
};

/// Runs HANGSCOPE_BIN with `args`, capturing stdout/stderr, killed after `timeout_ms`.
RunResult run_hangscope(const std::vector<std::string>& args, int timeout_ms = 10000);

/// Parses `r.out` as a hangscope/1 document; nullopt (with a gtest failure) when it is not.
std::optional<nlohmann::json> parse_report(const RunResult& r);

/// The chain whose stuck task is `pid`, or nullptr.
const nlohmann::json* chain_for(const nlohmann::json& report, pid_t pid);

/// Runs `hangscope why PID --json` and stores the chain whose stuck task is `pid` in *chain.
/// Adds a fatal gtest failure (use under ASSERT_NO_FATAL_FAILURE) when hangscope times out
/// (10 s), prints no hangscope/1 document or no chain for `pid`; a non-failing exit status other
/// than 1 ("stuck tasks found") is a non-fatal failure.
void why_chain(pid_t pid, nlohmann::json* chain);

/// Pids of a hop's holders.
std::vector<pid_t> holder_pids(const nlohmann::json& hop);

/// A field of a hop's object ("" when absent), e.g. object_field(hop, "s_id").
std::string object_field(const nlohmann::json& hop, const std::string& name);

/// Splits "12,34" into {"12","34"}.
std::vector<std::string> split_commas(const std::string& s);

/// Expects task `pid` in one of `states` (letters of /proc/PID/stat), sleeping in `wchan` (when
/// not empty), with every function of `frames` on its kernel stack (/proc/PID/stack, any order).
/// `what` names the task in failure messages; the stack is printed on failure.
void expect_task_shape(pid_t pid, std::string_view states, std::string_view wchan,
                       const std::vector<std::string>& frames, const std::string& what);

/// True when /proc/self/mountinfo lists a mount on `mount_point`.
bool is_mounted(const std::string& mount_point);

/// Waits up to 3 s for /dev/loop`number` to be unbound; true when it is.
bool loop_released(int number);

/// Expects every pid gone (not even a zombie of ours).
void expect_gone(const std::vector<pid_t>& pids);

/// Expects no task in D on the machine whose pid is in `pids` or whose comm ends with
/// "+`worker_suffix`" (a kworker busy with the fixture's device or bdi; empty: none).
void expect_no_d_state(const std::vector<pid_t>& pids, const std::string& worker_suffix);

/// Records a pid the suite started, for the final no-D-state check.
void remember_pid(pid_t pid);

/// Base of a live test that owns one hang fixture in hang_: TearDown() runs its cleanup (when it
/// started) and fails the test when that cleanup fails (a child left in D, a mount left over).
template <typename Hang, typename Base = testing::Test>
class HangTest : public Base {
 protected:
  void TearDown() override {
    if (!hang_) return;
    auto s = hang_->cleanup();
    EXPECT_TRUE(s.ok()) << s.error().message;
  }
  std::unique_ptr<Hang> hang_;
};

}  // namespace hangscope::live
