// Small helpers to build synthetic Snapshots for analysis tests.
#pragma once

#include <string>
#include <vector>

#include "model/snapshot.h"

namespace hangscope::testing {

inline model::StackFrame frame(const std::string& sym) {
  return model::StackFrame{0, sym, 0, "", true};
}

inline model::Task task(int pid, const std::string& comm, model::TaskState st, std::uint64_t addr,
                        std::vector<std::string> stack = {}) {
  model::Task t;
  t.pid = pid;
  t.tgid = pid;
  t.comm = comm;
  t.state = st;
  t.task_addr = addr;
  t.stuck_seconds = 10.0;
  for (auto& s : stack) t.stack.push_back(frame(s));
  return t;
}

inline model::Wait blocker_wait(model::LockKind kind, model::LockMode mode, std::uint64_t lock) {
  model::Wait w;
  w.kind = kind;
  w.mode = mode;
  w.lock_addr = lock;
  w.confidence = model::Confidence::certain;
  w.how_found = "task_struct.blocker";
  return w;
}

inline model::Lock owned_lock(std::uint64_t addr, model::LockKind kind, std::uint64_t owner,
                              model::LockMode mode) {
  model::Lock l;
  l.addr = addr;
  l.kind = kind;
  l.owner_task = owner;
  l.owner_mode = mode;
  l.confidence = model::Confidence::certain;
  return l;
}

}  // namespace hangscope::testing
