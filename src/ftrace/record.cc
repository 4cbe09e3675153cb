#include "ftrace/record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "ftrace/trace_scan.h"
#include "ftrace/traced_run.h"
#include "ftrace/tracefs.h"

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
  StopSignals signals;  // Ctrl-C during setup still ends in the cleanup below
  auto mount = TracefsMount::acquire();
  if (!mount) return mount.error();
  const std::string root = mount->root();
  auto avail = read_control(root + "/available_tracers");
  if (!avail) return avail.error();
  if (!has_word(*avail, opts.tracer)) {
    struct utsname u {};
    ::uname(&u);
    return make_error(missing_tracer_message(opts.tracer, squash(*avail), u.release));
  }
  std::string dir = root + "/instances/hangscope-" + std::to_string(::getpid());
  if (::mkdir(dir.c_str(), 0755) != 0)
    return make_error(dir + ": cannot create a tracefs instance: " + std::strerror(errno));
  Instance inst(dir);
  auto inst_avail = read_control(dir + "/available_tracers");
  if (!inst_avail || !has_word(*inst_avail, opts.tracer))
    return make_error("this kernel cannot run " + opts.tracer + " in a tracefs instance (" + dir +
                      "/available_tracers: " + (inst_avail ? squash(*inst_avail) : "unreadable") +
                      ")");
  std::vector<std::string> notes;
  if (auto s = write_control(dir + "/tracing_on", "0"); !s) return s.error();
  if (opts.buffer_kb)
    if (auto s = write_control(dir + "/buffer_size_kb", std::to_string(opts.buffer_kb)); !s)
      return s.error();
  if (auto s = write_control(dir + "/current_tracer", opts.tracer); !s)
    return make_error("cannot select the " + opts.tracer + " tracer (" + s.error().message +
                      "); is ftrace disabled on this kernel?");
  if (opts.tracer == "function_graph") {
    for (const auto& f : opts.graph_functions)
      if (auto s = append_control(dir + "/set_graph_function", f); !s)
        return make_error("set_graph_function: '" + f + "' is not a traceable kernel function");
    for (const char* o : {"funcgraph-proc", "funcgraph-abstime", "funcgraph-tail"})
      if (!write_control(dir + "/options/" + o, "1"))
        notes.push_back(std::string("no option ") + o);
  } else if (!opts.graph_functions.empty()) {
    notes.push_back("-G applies to function_graph only; ignored");
  }
  if (!write_control(dir + "/options/function-fork", "1"))
    notes.push_back("no function-fork option: children of the command are not traced");

  int out = ::open(opts.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return make_error(opts.output + ": " + std::strerror(errno));
  struct OutCloser {
    int fd;
    ~OutCloser() { ::close(fd); }
  } out_closer{out};
  std::string header = "# tracer: " + opts.tracer + "\n# hangscope ftrace record:";
  for (const auto& a : opts.command) header += " " + escape_text(a);  // no raw newlines
  header += "\n";
  TracedRun run;
  run.command = opts.command;
  run.timeout_s = opts.timeout_s;
  run.out_fd = out;
  run.header = header;
  run.start = [&dir](int pid) -> Result<int> {
    if (auto s = write_control(dir + "/set_ftrace_pid", std::to_string(pid)); !s) return s.error();
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
  res.notes.insert(res.notes.begin(), notes.begin(), notes.end());
  return res;
}

}  // namespace hangscope::ftrace
