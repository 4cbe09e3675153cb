#include "ftrace/tracefs_saver.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "ftrace/tracefs.h"

namespace hangscope::ftrace {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool is_restore_late(const std::string& file) {
  return file == "current_tracer" || file == "tracing_on";
}

}  // namespace

ControlKind control_kind(const std::string& file) {
  if (file == "buffer_size_kb") return ControlKind::kBufferSize;
  if (file == "set_graph_function" || file == "set_graph_notrace" || file == "set_ftrace_pid" ||
      file == "set_ftrace_filter" || file == "set_ftrace_notrace" || file == "set_event" ||
      file == "set_event_pid" || file == "set_ftrace_notrace_pid")
    return ControlKind::kList;
  return ControlKind::kScalar;
}

std::string restorable_value(ControlKind kind, const std::string& text, bool* per_cpu) {
  if (per_cpu) *per_cpu = false;
  std::string t = trim(text);
  switch (kind) {
    case ControlKind::kScalar:
      return t;
    case ControlKind::kBufferSize: {
      if (t == "X") {
        if (per_cpu) *per_cpu = true;
        return "";
      }
      // "7 (expanded: 1408)": 7 KiB per CPU allocated now, 1408 once a tracer expands it. The
      // allocated size is what there was (6.1 keeps it even after a tracer ran).
      size_t end = 0;
      while (end < t.size() && t[end] >= '0' && t[end] <= '9') ++end;
      return t.substr(0, end);
    }
    case ControlKind::kList: {
      std::istringstream in(text);
      std::string out;
      for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line == "no pid") continue;
        if (size_t b = line.find(" ["); b != std::string::npos && line.back() == ']')
          line.erase(b);  // "func [module]" as listed; written back as "func"
        out += (out.empty() ? "" : "\n") + line;
      }
      return out;
    }
  }
  return t;
}

Status TracefsSaver::save(const std::string& file) {
  for (const Saved& s : saved_)
    if (s.file == file) return Unit{};
  auto text = read_control(dir_ + "/" + file);
  if (!text) return text.error();
  Saved s;
  s.file = file;
  bool per_cpu = false;
  s.value = restorable_value(control_kind(file), *text, &per_cpu);
  if (per_cpu) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/per_cpu", ec)) {
      std::string f = "per_cpu/" + e.path().filename().string() + "/buffer_size_kb";
      if (auto v = read_control(dir_ + "/" + f))
        s.per_cpu.emplace_back(f, restorable_value(ControlKind::kBufferSize, *v));
    }
  }
  saved_.push_back(std::move(s));
  return Unit{};
}

std::string TracefsSaver::saved(const std::string& file) const {
  for (const Saved& s : saved_)
    if (s.file == file) return s.value;
  return "";
}

std::vector<std::string> TracefsSaver::restore(bool clear_trace) {
  std::vector<std::string> failed;
  if (restored_) return failed;
  restored_ = true;
  auto put = [&](const std::string& file, const std::string& value) {
    if (!write_control(dir_ + "/" + file, value))
      failed.push_back(dir_ + "/" + file + ": could not restore it; write back by hand: echo '" +
                       value + "' > " + dir_ + "/" + file);
  };
  // Stop first, so that nothing is traced while the filters change.
  write_control(dir_ + "/tracing_on", "0");
  write_control(dir_ + "/current_tracer", "nop");
  for (const Saved& s : saved_) {
    if (is_restore_late(s.file)) continue;
    if (s.file == "buffer_size_kb" && !s.per_cpu.empty()) {
      for (const auto& [f, v] : s.per_cpu) put(f, v);
    } else if (!(s.file == "buffer_size_kb" && s.value.empty())) {
      put(s.file, s.value);
    }
  }
  if (clear_trace) write_control(dir_ + "/trace", "");
  for (const char* late : {"current_tracer", "tracing_on"})
    for (const Saved& s : saved_)
      if (s.file == late) put(s.file, s.value);
  return failed;
}

TracefsSaver::~TracefsSaver() {
  for (const std::string& f : restore())
    std::fprintf(stderr, "hangscope ftrace record: warning: %s\n", f.c_str());
}

}  // namespace hangscope::ftrace
