// Where `ftrace record` traces, and the save/restore of the top-level instance, against a fake
// tracefs tree (the real 6.1 kernel path runs in the VM suite, scenario ftrace_leak).
#include "ftrace/record_target.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "fake_tracefs.h"
#include "ftrace/record.h"
#include "ftrace/tracefs_saver.h"

namespace hangscope::ftrace {
namespace {

using testing::FakeTracefs;
using testing::read_all;
using testing::TempFile;

std::string norm(const std::string& file, const std::string& text) {
  return restorable_value(control_kind(file), text);
}

/// Every file of the fake tree (but trace/trace_pipe) reads as it did before.
void expect_restored(const FakeTracefs& fs, const std::map<std::string, std::string>& want) {
  for (const auto& [f, v] : want) {
    if (f == "trace" || f == "trace_pipe") continue;
    EXPECT_EQ(norm(f, fs.get(f)), norm(f, v)) << f;
  }
  EXPECT_TRUE(std::filesystem::is_empty(fs.root() + "/instances"));
}

TEST(FtraceTracefsSaver, RestorableValues) {
  EXPECT_EQ(restorable_value(ControlKind::kScalar, "function_graph\n"), "function_graph");
  EXPECT_EQ(restorable_value(ControlKind::kList, "no pid\n"), "");
  EXPECT_EQ(restorable_value(ControlKind::kList, "812\n813\n"), "812\n813");
  EXPECT_EQ(restorable_value(ControlKind::kList, "#### all functions enabled ####\n"), "");
  EXPECT_EQ(restorable_value(ControlKind::kList, "ksys_sync\nfuse_dev_read [fuse]\n"),
            "ksys_sync\nfuse_dev_read");
  EXPECT_EQ(restorable_value(ControlKind::kBufferSize, "7 (expanded: 1408)\n"), "7");
  EXPECT_EQ(restorable_value(ControlKind::kBufferSize, "4096\n"), "4096");
  bool per_cpu = false;
  EXPECT_EQ(restorable_value(ControlKind::kBufferSize, "X\n", &per_cpu), "");
  EXPECT_TRUE(per_cpu);
  EXPECT_EQ(control_kind("set_graph_function"), ControlKind::kList);
  EXPECT_EQ(control_kind("options/function-fork"), ControlKind::kScalar);
}

TEST(FtraceTracefsSaver, RestoresEveryChangedFileAndClearsTheBuffer) {
  FakeTracefs fs;
  fs.put("current_tracer", "function\n");
  fs.put("set_ftrace_pid", "77\n78\n");
  fs.put("set_graph_function", "vfs_read\nfuse_dev_read [fuse]\n");
  fs.put("buffer_size_kb", "X\n");
  fs.put("per_cpu/cpu1/buffer_size_kb", "4096\n");
  auto before = FakeTracefs::initial();
  for (const char* f : {"current_tracer", "set_ftrace_pid", "set_graph_function"})
    before[f] = fs.get(f);
  {
    TracefsSaver saver(fs.root());
    for (const char* f : {"current_tracer", "tracing_on", "set_ftrace_pid", "set_graph_function",
                          "buffer_size_kb", "options/funcgraph-tail"})
      ASSERT_TRUE(saver.save(f).ok()) << f;
    fs.put("current_tracer", "function_graph");
    fs.put("tracing_on", "0");
    fs.put("set_ftrace_pid", "4242");
    fs.put("set_graph_function", "ksys_sync");
    fs.put("buffer_size_kb", "2048");
    fs.put("per_cpu/cpu0/buffer_size_kb", "2048");
    fs.put("per_cpu/cpu1/buffer_size_kb", "2048");
    fs.put("options/funcgraph-tail", "1");
    EXPECT_EQ(saver.saved("set_ftrace_pid"), "77\n78");
  }  // restored by the destructor
  EXPECT_EQ(fs.get("current_tracer"), "function");
  EXPECT_EQ(fs.get("tracing_on"), "1");
  EXPECT_EQ(fs.get("set_ftrace_pid"), "77\n78");
  EXPECT_EQ(fs.get("set_graph_function"), "vfs_read\nfuse_dev_read");
  EXPECT_EQ(fs.get("per_cpu/cpu0/buffer_size_kb"), "7");
  EXPECT_EQ(fs.get("per_cpu/cpu1/buffer_size_kb"), "4096");
  EXPECT_EQ(fs.get("options/funcgraph-tail"), "0");
  EXPECT_EQ(fs.get("trace"), "");
}

TEST(FtraceTracefsSaver, UnreadableFileIsAnErrorAndRestoreSaysWhatFailed) {
  FakeTracefs fs;
  TracefsSaver saver(fs.root());
  auto st = saver.save("no_such_file");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("no_such_file"), std::string::npos);
  ASSERT_TRUE(saver.save("set_graph_function").ok());
  std::filesystem::remove(fs.root() + "/set_graph_function");
  std::filesystem::create_directory(fs.root() + "/set_graph_function");  // cannot be written
  auto failed = saver.restore();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].find("set_graph_function"), std::string::npos);
  EXPECT_TRUE(saver.restore().empty());  // once only
}

TargetProbe probe_61() {
  TargetProbe p;
  p.release = "6.1.0-28-cloud-amd64";
  p.root = "/sys/kernel/tracing";
  p.instance_tried = true;
  p.instance_available = "function nop";
  p.top.current_tracer = "nop";
  return p;
}

TEST(FtraceRecordTarget, PrivateInstanceWhenItHasTheTracer) {
  TargetProbe p = probe_61();
  p.instance_has_tracer = true;
  p.instance_available = "function_graph function nop";
  p.top.current_tracer = "function";  // someone else's: irrelevant for a private instance
  TargetChoice c = choose_target(p, false, false);
  EXPECT_TRUE(c.error.empty());
  EXPECT_FALSE(c.top_level);
  c = choose_target(p, true, false);  // --top-level, but it is busy
  EXPECT_FALSE(c.error.empty());
}

TEST(FtraceRecordTarget, IdleTopLevelWhenInstancesCannotRunTheTracer) {
  TargetChoice c = choose_target(probe_61(), false, false);
  EXPECT_TRUE(c.error.empty()) << c.error;
  EXPECT_TRUE(c.top_level);
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes[0].find("top-level instance /sys/kernel/tracing"), std::string::npos);
  EXPECT_NE(c.notes[0].find("function nop"), std::string::npos);
}

TEST(FtraceRecordTarget, BusyTopLevelSaysWhoAndHowToOverride) {
  TargetProbe p = probe_61();
  p.top.current_tracer = "function";
  p.top.set_event = "sched:sched_switch\nsched:sched_wakeup\nirq:irq_handler_entry\nx:y";
  p.top.holders = {"pid 812 (cat) has trace_pipe open"};
  EXPECT_EQ(top_level_busy_reason(p.top),
            "current_tracer is function; events enabled: sched:sched_switch, sched:sched_wakeup, "
            "irq:irq_handler_entry, ...; pid 812 (cat) has trace_pipe open");
  TargetChoice c = choose_target(p, false, false);
  EXPECT_FALSE(c.top_level);
  EXPECT_NE(c.error.find("6.1.0-28-cloud-amd64"), std::string::npos);
  EXPECT_NE(c.error.find("pid 812 (cat)"), std::string::npos);
  EXPECT_NE(c.error.find("--force"), std::string::npos);
  EXPECT_EQ(c.error.find('\n'), std::string::npos);
  c = choose_target(p, false, true);
  EXPECT_TRUE(c.error.empty());
  EXPECT_TRUE(c.top_level);
  ASSERT_EQ(c.notes.size(), 2u);
  EXPECT_NE(c.notes[1].find("--force"), std::string::npos);
  // Only a reader of trace_pipe (it would consume the trace) is enough to be busy.
  TargetProbe r = probe_61();
  r.top.holders = {"pid 9 (trace-cmd) has trace_pipe open"};
  EXPECT_FALSE(choose_target(r, false, false).error.empty());
}

TEST(FtraceRecordTarget, ReadsTheTopLevelUseAndItsHolders) {
  FakeTracefs fs;
  fs.put("current_tracer", "wakeup\n");
  fs.put("set_event", "sched:sched_switch\n");
  pid_t child = ::fork();
  if (child == 0) {  // holds trace_pipe open, as `cat trace_pipe` would
    int fd = ::open((fs.root() + "/trace_pipe").c_str(), O_RDONLY);
    (void)fd;
    ::execlp("sleep", "sleep", "5", nullptr);
    ::_exit(127);
  }
  TopLevelUse u;
  for (int i = 0; i < 200 && u.holders.empty(); ++i) {  // until the child has exec'd
    u = read_top_level_use(fs.root());
    if (u.holders.empty() || u.holders[0].find("(sleep)") == std::string::npos) {
      u.holders.clear();
      ::usleep(10000);
    }
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(u.current_tracer, "wakeup");
  EXPECT_EQ(u.set_event, "sched:sched_switch");
  ASSERT_EQ(u.holders.size(), 1u);
  EXPECT_EQ(u.holders[0], "pid " + std::to_string(child) + " (sleep) has trace_pipe open");
}

RecordOptions opts_for(const FakeTracefs& fs, const std::string& out, const std::string& script,
                       double timeout = 20) {
  RecordOptions o;
  o.command = {"/bin/sh", "-c", script};
  o.graph_functions = {"ksys_sync"};
  o.output = out;
  o.timeout_s = timeout;
  // buffer_kb 0: the fake's "7 (expanded: 1408)" is raised to kMinBufferKb (2048), then restored.
  (void)fs;
  return o;
}

/// A command that copies what tracefs looked like while it ran into trace_pipe (so into the
/// output): tracer, pid filter, graph function, buffer size, tracing_on.
std::string snapshot_script(const FakeTracefs& fs) {
  const std::string& r = fs.root();
  return "for f in current_tracer set_ftrace_pid set_graph_function buffer_size_kb tracing_on "
         "options/function-fork; do printf '%s=%s\\n' $f \"$(cat " +
         r + "/$f)\"; done >> " + r + "/trace_pipe";
}

TEST(FtraceRecordIn, FallsBackToAnIdleTopLevelAndRestoresIt) {
  FakeTracefs fs;
  TempFile out;
  auto r = record_in(fs.root(), opts_for(fs, out.path(), snapshot_script(fs)));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->top_level);
  EXPECT_EQ(r->instance, fs.root());
  EXPECT_TRUE(r->exited);
  std::string text = read_all(out.path());
  EXPECT_NE(text.find("# tracefs instance: top-level (" + fs.root() + ")"), std::string::npos);
  EXPECT_NE(text.find("current_tracer=function_graph"), std::string::npos) << text;
  EXPECT_NE(text.find("set_ftrace_pid=" + std::to_string(r->pid)), std::string::npos);
  EXPECT_NE(text.find("set_graph_function=ksys_sync"), std::string::npos);
  EXPECT_NE(text.find("buffer_size_kb=2048"), std::string::npos);
  EXPECT_NE(text.find("tracing_on=1"), std::string::npos);
  EXPECT_NE(text.find("options/function-fork=1"), std::string::npos);
  expect_restored(fs, FakeTracefs::initial());
  EXPECT_EQ(fs.get("current_tracer"), "nop");
  EXPECT_EQ(fs.get("tracing_on"), "1");
  EXPECT_EQ(fs.get("trace"), "");
  ASSERT_FALSE(r->notes.empty());
  EXPECT_NE(r->notes[0].find("cannot run function_graph in a tracefs instance"), std::string::npos);
}

TEST(FtraceRecordIn, BusyTopLevelIsRefusedUntouchedAndForceTakesItOver) {
  FakeTracefs fs;
  fs.put("current_tracer", "function\n");
  fs.put("set_ftrace_pid", "123\n");
  auto before = FakeTracefs::initial();
  before["current_tracer"] = "function\n";
  before["set_ftrace_pid"] = "123\n";
  TempFile out;
  RecordOptions o = opts_for(fs, out.path(), snapshot_script(fs));
  auto r = record_in(fs.root(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("current_tracer is function"), std::string::npos);
  EXPECT_NE(r.error().message.find("--force"), std::string::npos);
  EXPECT_EQ(fs.get("trace"), "# tracer: nop\nold contents\n");  // not even cleared
  expect_restored(fs, before);
  o.force = true;
  r = record_in(fs.root(), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(read_all(out.path()).find("current_tracer=function_graph"), std::string::npos);
  expect_restored(fs, before);
  EXPECT_EQ(fs.get("current_tracer"), "function");
  EXPECT_EQ(fs.get("set_ftrace_pid"), "123");
}

TEST(FtraceRecordIn, TimeoutAndSigtermStillRestore) {
  FakeTracefs fs;
  TempFile out;
  auto r = record_in(fs.root(), opts_for(fs, out.path(), "exec sleep 30", 0.3));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->timed_out);
  expect_restored(fs, FakeTracefs::initial());
  // The command sends SIGTERM to us (its parent), as `kill` from another terminal would.
  r = record_in(fs.root(), opts_for(fs, out.path(),
                                    snapshot_script(fs) + "; kill -TERM $PPID; exec sleep 30"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->interrupted);
  EXPECT_NE(read_all(out.path()).find("current_tracer=function_graph"), std::string::npos);
  expect_restored(fs, FakeTracefs::initial());
  struct sigaction now {};
  sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST(FtraceRecordIn, ErrorAfterSetupRestores) {
  FakeTracefs fs;
  RecordOptions o = opts_for(fs, "/nonexistent-dir/out.trace", "true");
  auto r = record_in(fs.root(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent-dir/out.trace"), std::string::npos);
  expect_restored(fs, FakeTracefs::initial());
}

TEST(FtraceRecordIn, NoTracerAtTheTopLevelIsTheClearError) {
  FakeTracefs fs;
  fs.put("available_tracers", "blk function nop\n");
  TempFile out;
  auto r = record_in(fs.root(), opts_for(fs, out.path(), "true"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("CONFIG_FUNCTION_GRAPH_TRACER"), std::string::npos);
  auto want = FakeTracefs::initial();
  want["available_tracers"] = "blk function nop\n";
  expect_restored(fs, want);
  EXPECT_EQ(fs.get("trace"), "# tracer: nop\nold contents\n");
}

}  // namespace
}  // namespace hangscope::ftrace
