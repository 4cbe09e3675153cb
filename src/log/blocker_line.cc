#include "log/blocker_line.h"

#include "log/text_match.h"

namespace hangscope::log {

using model::LockKind;
using model::LockMode;

bool split_comm_pid(std::string_view s, std::string_view& comm, int& pid, char sep) {
  std::size_t c = s.rfind(sep);
  if (c == std::string_view::npos || c + 1 >= s.size()) return false;
  long long v = 0;
  for (std::size_t i = c + 1; i < s.size(); ++i) {
    if (!is_dec_digit(s[i]) || i - c > 10) return false;
    v = v * 10 + (s[i] - '0');
  }
  comm = s.substr(0, c);
  pid = static_cast<int>(v);
  return true;
}

namespace {

LockMode role_mode(std::string_view role) {
  if (role == "reader") return LockMode::read;
  if (role == "writer") return LockMode::write;
  return LockMode::unknown;
}

// "name:pid <role>" or "name:pid" (the role in angle brackets is optional).
bool parse_task_role(std::string_view s, std::string_view& comm, int& pid, LockMode& mode) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.remove_suffix(1);
  mode = LockMode::unknown;
  if (s.ends_with(">")) {
    std::size_t lt = s.rfind(" <");
    if (lt == std::string_view::npos) return false;
    mode = role_mode(s.substr(lt + 2, s.size() - lt - 3));
    s = s.substr(0, lt);
  }
  return split_comm_pid(s, comm, pid);
}

}  // namespace

bool parse_blocker_line(std::string_view t, BlockerLine& out) {
  std::size_t p = t.find("INFO: task ");
  if (p == std::string_view::npos) return false;
  t.remove_prefix(p + 11);
  struct Kind {
    std::string_view text;
    LockKind kind;
  };
  static constexpr Kind kKinds[] = {
      {" blocked on a mutex", LockKind::mutex},
      {" blocked on a semaphore", LockKind::semaphore},
      {" blocked on an rw-semaphore", LockKind::rwsem},
  };
  for (const Kind& k : kKinds) {
    std::size_t b = t.find(k.text);
    if (b == std::string_view::npos) continue;
    std::string_view waiter = t.substr(0, b);
    if (waiter.ends_with(" is")) waiter.remove_suffix(3);
    std::string_view comm;
    BlockerLine r;
    if (!parse_task_role(waiter, comm, r.waiter_pid, r.waiter_mode)) return false;
    r.waiter_comm = std::string(comm);
    r.kind = k.kind;
    if (k.kind == LockKind::mutex) r.waiter_mode = LockMode::exclusive;
    std::string_view rest = t.substr(b + k.text.size());
    for (std::string_view key : {std::string_view(" likely owned by task "),
                                 std::string_view(" likely last held by task ")}) {
      std::size_t o = rest.find(key);
      if (o == std::string_view::npos) continue;
      if (!parse_task_role(rest.substr(o + key.size()), comm, r.owner_pid, r.owner_mode))
        return false;
      r.owner_comm = std::string(comm);
      r.owner_found = true;
      if (k.kind == LockKind::mutex) r.owner_mode = LockMode::exclusive;
      if (k.kind == LockKind::semaphore) r.owner_mode = LockMode::exclusive;
    }
    if (!r.owner_found && !contains(rest, "not found")) return false;
    out = std::move(r);
    return true;
  }
  return false;
}

}  // namespace hangscope::log
