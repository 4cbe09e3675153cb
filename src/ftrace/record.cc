#include "ftrace/record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <sstream>
#include <string_view>

#include "ftrace/record_target.h"
#include "ftrace/trace_scan.h"
#include "ftrace/traced_run.h"
#include "ftrace/tracefs.h"
#include "ftrace/tracefs_saver.h"

namespace hangscope::ftrace {
namespace {

/// A private instances/ directory; tracing is switched off and the directory removed on exit.
class Instance {
 public:
  explicit Instance(std::string dir) : dir_(std::move(dir)) {}
  ~Instance() {
    write_control(dir_ + "/tracing_on", "0");
    write_control(dir_ + "/set_ftrace_pid", "");
    write_control(dir_ + "/set_graph_function", "");
    write_control(dir_ + "/current_tracer", "nop");
    for (int i = 0; i < 50 && ::rmdir(dir_.c_str()) != 0 && errno == EBUSY; ++i) ::usleep(20000);
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

bool has_word(const std::string& list, const std::string& word) {
  std::istringstream in(list);
  for (std::string w; in >> w;)
    if (w == word) return true;
  return false;
}

std::string squash(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

/// Saves, then sets up everything but the pid filter and the tracer (set in start, once the
/// command's pid is known). Notes collect what could not be set.
Status configure(TracefsSaver& saver, const RecordOptions& opts, bool top_level,
                 std::vector<std::string>& notes) {
  const std::string& dir = saver.dir();
  std::vector<std::string> files = {"tracing_on", "current_tracer", "set_ftrace_pid",
                                    "buffer_size_kb"};
  bool graph = opts.tracer == "function_graph";
  if (graph) files.push_back("set_graph_function");
  for (const auto& f : files)
    if (auto s = saver.save(f); !s)
      return make_error("cannot save tracefs state: " + s.error().message);
  std::vector<std::string> options;
  for (const char* o : {"funcgraph-proc", "funcgraph-abstime", "funcgraph-tail", "function-fork"}) {
    if (!graph && std::string_view(o).starts_with("funcgraph")) continue;
    if (saver.save(std::string("options/") + o))
      options.push_back(o);
    else
      notes.push_back(std::string(o) == "function-fork"
                          ? "no function-fork option: children of the command are not traced"
                          : std::string("no option ") + o);
  }
  if (auto s = write_control(dir + "/tracing_on", "0"); !s) return s.error();
  if (saver.saved("current_tracer") != "nop")
    if (auto s = write_control(dir + "/current_tracer", "nop"); !s) return s.error();
  unsigned buffer_kb = opts.buffer_kb;
  if (!buffer_kb) {  // "X" (per-CPU sizes differ) parses as 0: raised too
    std::string now = saver.saved("buffer_size_kb");
    unsigned long kb = 0;
    std::from_chars(now.data(), now.data() + now.size(), kb);
    if (kb < kMinBufferKb) buffer_kb = kMinBufferKb;
  }
  if (buffer_kb)
    if (auto s = write_control(dir + "/buffer_size_kb", std::to_string(buffer_kb)); !s)
      return s.error();
  if (auto s = write_control(dir + "/set_ftrace_pid", ""); !s) return s.error();
  if (graph) {
    if (auto s = write_control(dir + "/set_graph_function", ""); !s) return s.error();
    for (const auto& f : opts.graph_functions)
      if (auto s = append_control(dir + "/set_graph_function", f); !s)
        return make_error("set_graph_function: '" + escape_text(f) +
                          "' is not a traceable kernel function");
  } else if (!opts.graph_functions.empty()) {
    notes.push_back("-G applies to function_graph only; ignored");
  }
  for (const auto& o : options) write_control(dir + "/options/" + o, "1");
  if (top_level) {  // filters left by someone else shape the trace: say so, leave them
    for (const char* f : {"set_ftrace_filter", "set_ftrace_notrace", "set_graph_notrace"})
      if (auto v = read_control(dir + "/" + f, 1 << 16)) {
        std::string list = restorable_value(ControlKind::kList, *v);
        if (!list.empty())
          notes.push_back(std::string(f) + " is set in the top-level instance (" +
                          escape_text(squash(list.substr(0, 200))) +
                          "); it limits the trace and is left as it is");
      }
  }
  write_control(dir + "/trace", "");  // the buffer starts empty
  return Unit{};
}

}  // namespace

std::string missing_tracer_message(const std::string& tracer, const std::string& available,
                                   const std::string& release) {
  std::string config = tracer == "function_graph" ? "CONFIG_FUNCTION_GRAPH_TRACER"
                       : tracer == "function"     ? "CONFIG_FUNCTION_TRACER"
                                                  : "the tracer's CONFIG option";
  return "this kernel (" + release + ") has no " + tracer +
         " tracer (available_tracers: " + (available.empty() ? "none" : available) +
         "); it was built without " + config +
         "=y. Instead: `hangscope scan` or `hangscope why PID` show where a stuck task waits "
         "(its kernel stack and the lock), `hangscope watch` reports tasks as they block";
}

Result<RecordResult> record_command(const RecordOptions& opts) {
  if (opts.command.empty())
    return make_error("no command to trace (usage: record [-G FUNC] -- CMD)");
  StopSignals signals;  // Ctrl-C during setup still ends in the cleanup of record_in
  auto mount = TracefsMount::acquire();
  if (!mount) return mount.error();
  return record_in(mount->root(), opts);
}

Result<RecordResult> record_in(const std::string& root, const RecordOptions& opts) {
  if (opts.command.empty())
    return make_error("no command to trace (usage: record [-G FUNC] -- CMD)");
  StopSignals signals;
  struct utsname u {};
  ::uname(&u);
  auto avail = read_control(root + "/available_tracers");
  if (!avail) return avail.error();
  if (!has_word(*avail, opts.tracer))
    return make_error(missing_tracer_message(opts.tracer, squash(*avail), u.release));

  TargetProbe probe;
  probe.tracer = opts.tracer;
  probe.release = u.release;
  probe.root = root;
  std::optional<Instance> inst;
  if (!opts.top_level) {
    std::string idir = root + "/instances/hangscope-" + std::to_string(::getpid());
    if (::mkdir(idir.c_str(), 0755) != 0) {
      probe.instance_available = "cannot create " + idir + ": " + std::strerror(errno);
    } else {
      inst.emplace(idir);
      probe.instance_tried = true;
      auto ia = read_control(idir + "/available_tracers");
      probe.instance_has_tracer = ia && has_word(*ia, opts.tracer);
      probe.instance_available = ia ? squash(*ia) : "unreadable";
      if (!probe.instance_has_tracer) inst.reset();  // removed before the top level is used
    }
  }
  TargetChoice choice;
  if (opts.top_level || !probe.instance_has_tracer) {
    probe.top = read_top_level_use(root);
    choice = choose_target(probe, opts.top_level, opts.force);
    if (!choice.error.empty()) return make_error(choice.error);
  }
  const std::string dir = choice.top_level ? root : inst->dir();
  TracefsSaver saver(dir);  // destroyed before `inst`: restores, then the instance goes
  std::vector<std::string> notes = choice.notes;
  auto setup = configure(saver, opts, choice.top_level, notes);
  if (!setup) return setup.error();
  if (StopSignals::requested())
    return make_error("interrupted before the command started; tracefs settings restored");

  int out = ::open(opts.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return make_error(opts.output + ": " + std::strerror(errno));
  struct OutCloser {
    int fd;
    ~OutCloser() { ::close(fd); }
  } out_closer{out};
  std::string header = "# tracer: " + opts.tracer + "\n# hangscope ftrace record:";
  for (const auto& a : opts.command) header += " " + escape_text(a);  // no raw newlines
  header += "\n# tracefs instance: " +
            (choice.top_level ? "top-level (" + escape_text(dir) + ")" : escape_text(dir)) + "\n";
  TracedRun run;
  run.command = opts.command;
  run.timeout_s = opts.timeout_s;
  run.out_fd = out;
  run.header = header;
  run.start = [&dir, &opts](int pid) -> Result<int> {
    // The pid filter first, then the tracer: the hooks then only ever trace the command.
    if (auto s = write_control(dir + "/set_ftrace_pid", std::to_string(pid)); !s) return s.error();
    if (auto s = write_control(dir + "/current_tracer", opts.tracer); !s)
      return make_error("cannot select the " + opts.tracer + " tracer (" + s.error().message +
                        "); is ftrace disabled on this kernel?");
    if (auto s = write_control(dir + "/tracing_on", "1"); !s) return s.error();
    int fd = ::open((dir + "/trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return make_error(dir + "/trace_pipe: " + std::strerror(errno));
    return fd;
  };
  run.stop = [&dir] { write_control(dir + "/tracing_on", "0"); };
  auto ran = run_traced(run);
  if (!ran)
    return make_error(ran.error().message.starts_with("output:")
                          ? opts.output + ran.error().message.substr(6)
                          : ran.error().message);
  RecordResult res = std::move(*ran);
  res.instance = dir;
  res.top_level = choice.top_level;
  res.notes.insert(res.notes.begin(), notes.begin(), notes.end());
  for (const auto& f : saver.restore()) res.notes.push_back("warning: " + f);
  return res;
}

}  // namespace hangscope::ftrace
