#include "log/lockdep.h"

#include "log/blocker_line.h"
#include "log/text_match.h"

namespace hangscope::log {

bool parse_held_lock_header(std::string_view t, HeldLockDump& out) {
  while (!t.empty() && t[0] == ' ') t.remove_prefix(1);
  std::size_t i = 0;
  if (t.starts_with("no locks held by ")) {
    i = 17;
  } else {
    while (i < t.size() && is_dec_digit(t[i])) ++i;
    if (i == 0) return false;
    std::string_view r = t.substr(i);
    if (r.starts_with(" locks held by "))
      i += 15;
    else if (r.starts_with(" lock held by "))
      i += 14;
    else
      return false;
  }
  std::string_view who = t.substr(i);
  while (!who.empty() && (who.back() == ':' || who.back() == '.' || who.back() == ' '))
    who.remove_suffix(1);
  std::string_view comm;
  int pid = 0;
  if (!split_comm_pid(who, comm, pid, '/')) return false;
  out = HeldLockDump{};
  out.comm = std::string(comm);
  out.pid = pid;
  return true;
}

bool parse_held_lock_entry(std::string_view t, HeldLock& out) {
  std::size_t i = 0;
  while (i < t.size() && t[i] == ' ') ++i;
  if (i >= t.size() || t[i] != '#') return false;
  ++i;
  int index = 0;
  std::size_t d = i;
  while (i < t.size() && is_dec_digit(t[i]) && i - d < 4) index = index * 10 + (t[i++] - '0');
  if (i == d || i >= t.size() || t[i] != ':') return false;
  ++i;
  while (i < t.size() && t[i] == ' ') ++i;
  HeldLock h;
  h.index = index;
  if (i < t.size() && t[i] != '(') {  // the lock's address
    std::uint64_t v = 0;
    std::size_t b = i;
    if (t.substr(i, 2) == "0x") i += 2;
    while (i < t.size() && is_hex_digit(t[i]) && i - b < 18) {
      char c = t[i++];
      v = v * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    if (i == b) return false;
    h.addr = v;
    while (i < t.size() && t[i] == ' ') ++i;
  }
  if (i >= t.size() || t[i] != '(') return false;
  int depth = 0;
  std::size_t start = i;
  for (; i < t.size(); ++i) {
    if (t[i] == '(') ++depth;
    if (t[i] == ')' && --depth == 0) break;
  }
  if (i >= t.size()) return false;
  h.class_name = std::string(t.substr(start + 1, i - start - 1));
  ++i;
  std::size_t at = t.find(", at: ", i);
  h.usage = std::string(t.substr(i, (at == std::string_view::npos ? t.size() : at) - i));
  if (at != std::string_view::npos) {
    std::size_t j = at + 6;
    if (match_pc(t, j)) {
      while (j < t.size() && t[j] == ' ') ++j;
    }
    std::size_t b = j;
    while (j < t.size() && is_ident_char(t[j])) ++j;
    h.at_function = std::string(t.substr(b, j - b));
  }
  h.lock_name = lock_name_from_class(h.class_name);
  out = std::move(h);
  return true;
}

std::string lock_name_from_class(std::string_view c) {
  while (!c.empty() && (c[0] == '&' || c[0] == '(')) c.remove_prefix(1);
  if (std::size_t arrow = c.rfind("->"); arrow != std::string_view::npos)
    c = c.substr(arrow + 2);
  else if (std::size_t dot = c.rfind('.'); dot != std::string_view::npos)
    c = c.substr(dot + 1);
  if (std::size_t hash = c.find('#'); hash != std::string_view::npos) c = c.substr(0, hash);
  if (std::size_t slash = c.find('/'); slash != std::string_view::npos) c = c.substr(0, slash);
  if (std::size_t paren = c.find(')'); paren != std::string_view::npos) c = c.substr(0, paren);
  if (c.ends_with("_key")) c.remove_suffix(4);
  if (c == "i_mutex" || c == "i_mutex_dir" || c.starts_with("i_mutex_")) return "i_rwsem";
  return std::string(c);
}

}  // namespace hangscope::log
