// Parsing /proc/PID/stat, the one /proc file every area reads to learn a task's state: it takes
// no mm lock, so reading it never blocks on a stuck task.
#pragma once

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hangscope {

/// The fields of /proc/PID/stat hangscope uses.
struct ProcStat {
  int pid = 0;
  std::string comm;  ///< raw bytes between the first '(' and the last ')'
  char state = '?';  ///< the /proc letter: R S D T t Z X I
  int ppid = 0;
  unsigned long long start_ticks = 0;  ///< field 22, clock ticks since boot; 0 when absent
};

/// Parses the text of /proc/PID/stat ("12 (my comm) S 1 ..."); comm may hold spaces and ')'.
/// Fails with a one-line error on truncated or malformed text (pid, comm, state and ppid are
/// required; start_ticks is read when the line reaches field 22).
inline Result<ProcStat> parse_proc_stat(std::string_view text) {
  auto open = text.find(" (");
  auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return make_error("/proc/PID/stat: no '(comm)' field");
  ProcStat st;
  auto [p, ec] = std::from_chars(text.data(), text.data() + open, st.pid);
  if (ec != std::errc() || p != text.data() + open)
    return make_error("/proc/PID/stat: bad pid field");
  st.comm = std::string(text.substr(open + 2, close - open - 2));
  std::string_view rest = text.substr(close + 1);
  if (rest.size() < 3 || rest[0] != ' ' || rest[2] != ' ')
    return make_error("/proc/PID/stat: truncated after comm");
  st.state = rest[1];
  rest.remove_prefix(3);
  if (rest.empty()) return make_error("/proc/PID/stat: bad ppid field");
  // Fields from ppid (4) on, space separated.
  for (int field = 4; field <= 22 && !rest.empty(); ++field) {
    auto end = rest.find_first_of(" \n");
    if (end == std::string_view::npos) end = rest.size();
    std::string_view tok = rest.substr(0, end);
    if (field == 4) {
      auto [q, ec2] = std::from_chars(tok.data(), tok.data() + tok.size(), st.ppid);
      if (ec2 != std::errc() || q != tok.data() + tok.size())
        return make_error("/proc/PID/stat: bad ppid field");
    }
    if (field == 22) std::from_chars(tok.data(), tok.data() + tok.size(), st.start_ticks);
    rest.remove_prefix(std::min(rest.size(), end + 1));
  }
  return st;
}

}  // namespace hangscope
