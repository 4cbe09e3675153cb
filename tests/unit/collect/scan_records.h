// Building scan.bpf.c records in tests (no BPF, no root).
#pragma once

#include <linux/types.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "collect/kallsyms.h"
#include "scan.h"

namespace hangscope::collect::testing {

/// A full record of task `pid` (its own thread-group leader) at `addr`, 5 s since it last ran,
/// on a kernel with task_struct.blocker.
inline hs_task_full full_record(__u32 pid, const char* comm, __u32 state, __u64 addr) {
  hs_task_full f{};
  f.b.type = HS_REC_FULL;
  f.b.pid = f.b.tgid = pid;
  f.b.state = state;
  f.b.task_addr = addr;
  std::memcpy(f.b.comm, comm, std::min(std::strlen(comm), sizeof f.b.comm));  // NUL-less when full
  f.since_ran_ns = 5'000'000'000ull;
  f.has_blocker_field = 1;
  return f;
}

/// A brief record (any task the scan saw) of `pid` at `addr`, forked at `start_ns`.
inline hs_task_brief brief_record(__u32 pid, const char* comm, __u32 state, __u64 addr,
                                  __u64 start_ns = 0) {
  hs_task_brief b{};
  b.type = HS_REC_BRIEF;
  b.pid = b.tgid = pid;
  b.state = state;
  b.task_addr = addr;
  b.start_ns = start_ns;
  std::memcpy(b.comm, comm, std::min(std::strlen(comm), sizeof b.comm));
  return b;
}

/// Appends the bytes of `rec` as the iterator writes them.
template <typename T>
void append_record(std::string& bytes, const T& rec) {
  bytes.append(reinterpret_cast<const char*>(&rec), sizeof rec);
}

/// A small symbol table: super_lock, do_truncate, do_signal_stop, percpu_rwsem_wait, each 256
/// bytes from 0xffffffff81000000.
inline const Kallsyms& test_symbols() {
  static const Kallsyms syms = Kallsyms::parse(
      "ffffffff81000000 t super_lock\nffffffff81000100 t do_truncate\nffffffff81000200 t "
      "do_signal_stop\n"
      "ffffffff81000300 t percpu_rwsem_wait\nffffffff81000400 t zzz_end\n");
  return syms;
}

}  // namespace hangscope::collect::testing
