#include "watch/lock_tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>
#include <string>
#include <utility>

#include "bpfutil/libbpf_glue.h"
#include "watch.h"
#include "watch.skel.h"

namespace hangscope::watch {

void WatchSkelDestroyer::operator()(::watch_bpf* skel) const {
  bpfutil::Destroyer<watch_bpf__destroy>{}(skel);
}

namespace {

using bpfutil::for_each_entry;

std::string comm_string(const char* c, std::size_t n) { return std::string(c, strnlen(c, n)); }

// Opens, loads and attaches one flavour (tp_btf or raw_tp). Returns nullptr with `err` set.
WatchSkel open_flavour(const TracerOptions& o, bool btf, std::string& err) {
  WatchSkel s(watch_bpf__open());
  if (!s) {
    err = fmt::format("cannot open the watch BPF object: {}", std::strerror(errno));
    return nullptr;
  }
  s->rodata->trace_spin = o.trace_spin ? 1 : 0;
  s->rodata->long_wait_ns = o.long_wait_ns;
  s->rodata->lock_stats_on = o.lock_stats ? 1 : 0;
  int rc = 0;
  for (auto [prog, on] : {std::pair{s->progs.hsw_begin_btf, btf},
                          {s->progs.hsw_end_btf, btf},
                          {s->progs.hsw_begin_raw, !btf},
                          {s->progs.hsw_end_raw, !btf}}) {
    if (rc == 0) rc = bpf_program__set_autoload(prog, on);
  }
  if (rc == 0) rc = watch_bpf__load(s.get());
  if (rc == 0) rc = watch_bpf__attach(s.get());
  if (rc != 0) {
    const std::string& libbpf = bpfutil::last_libbpf_message();
    err = fmt::format("cannot attach to lock:contention_begin/end ({}): {}{}",
                      btf ? "tp_btf" : "raw_tp", std::strerror(-rc),
                      libbpf.empty() ? "" : " (libbpf: " + libbpf + ")");
    return nullptr;
  }
  return s;
}

}  // namespace

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

Result<std::unique_ptr<LockTracer>> LockTracer::attach(const TracerOptions& options) {
  bpfutil::capture_libbpf_messages();
  std::unique_ptr<LockTracer> t(new LockTracer());
  std::string err_btf, err_raw;
  t->skel_ = open_flavour(options, true, err_btf);
  if (!t->skel_) {
    t->skel_ = open_flavour(options, false, err_raw);
    t->mode_ = "raw_tp";
  }
  if (!t->skel_) return make_error(err_btf + "; fallback: " + err_raw);
  t->waits_len_ = sizeof(hsw_wait) * HSW_WAIT_SLOTS;
  void* m =
      mmap(nullptr, t->waits_len_, PROT_READ, MAP_SHARED, bpf_map__fd(t->skel_->maps.waits), 0);
  if (m == MAP_FAILED)
    return make_error(fmt::format("cannot map the wait slots: {}", std::strerror(errno)));
  t->waits_ = m;
  return t;
}

LockTracer::~LockTracer() { detach(); }

void LockTracer::detach() {
  if (waits_) munmap(waits_, waits_len_);
  waits_ = nullptr;
  skel_.reset();
}

std::uint64_t LockTracer::percpu_rwsem_size() const {
  return skel_ ? skel_->bss->layout.pcpu_rwsem_size : 0;
}

TracerSample LockTracer::sample() {
  TracerSample out;
  if (!skel_) return out;
  out.now_ns = monotonic_ns();
  out.waits = current_waits();
  int efd = bpf_map__fd(skel_->maps.ended);
  std::vector<EndedId> done;
  std::set<EndedId> still_there;
  for_each_entry<__u32, hsw_ended>(efd, HSW_MAX_ENDED, [&](__u32 key, const hsw_ended& e) {
    EndedId id{key, e.end_ns};
    if (undeleted_.count(id)) {  // returned before; its delete failed
      still_there.insert(id);
      return;
    }
    out.ended.push_back({static_cast<int>(key), e.lock, e.start_ns, e.end_ns,
                         static_cast<int>(e.tgid), comm_string(e.comm, sizeof e.comm), e.flags,
                         static_cast<int>(e.owner_pid),
                         comm_string(e.owner_comm, sizeof e.owner_comm)});
    done.push_back(id);
  });
  undeleted_ = std::move(still_there);
  // A record whose delete fails is not returned again (it would read as a second long wait).
  for (const auto& id : done) {
    if (!bpfutil::delete_elem(efd, &id.first).ok()) undeleted_.insert(id);
  }
  for (const hsw_counters& c : skel_->bss->counters) {
    out.counters.events += c.events;
    out.counters.lost_waits += c.lost_waits;
    out.counters.lost_stats += c.lost_stats;
    out.counters.lost_ended += c.lost_ended;
    out.counters.spins_skipped += c.spins_skipped;
  }
  return out;
}

std::vector<LockWait> LockTracer::current_waits() const {
  std::vector<LockWait> out;
  // The wait slots are an mmap-ed array: a slot is in use while start_ns != 0; an entry that
  // changed while it was copied is skipped (it is seen again at the next sweep if still waiting).
  const auto* slots = static_cast<const volatile hsw_wait*>(waits_);
  for (std::size_t i = 0; slots && i < HSW_WAIT_SLOTS; ++i) {
    __u64 start = slots[i].start_ns;
    if (!start) continue;
    hsw_wait w;
    std::memcpy(&w, const_cast<const hsw_wait*>(&slots[i]), sizeof w);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (slots[i].start_ns != start || w.start_ns != start) continue;
    LockWait lw;
    lw.pid = static_cast<int>(w.pid);
    lw.tgid = static_cast<int>(w.tgid);
    lw.comm = comm_string(w.comm, sizeof w.comm);
    lw.lock = w.lock;
    lw.flags = w.flags;
    lw.start_ns = w.start_ns;
    lw.owner_word = w.owner_word;
    lw.owner_pid = static_cast<int>(w.owner_pid);
    lw.owner_comm = comm_string(w.owner_comm, sizeof w.owner_comm);
    out.push_back(std::move(lw));
  }
  return out;
}

std::vector<LockStat> LockTracer::lock_stats() {
  std::vector<LockStat> out;
  if (!skel_) return out;
  int fd = bpf_map__fd(skel_->maps.lock_stats);
  for_each_entry<__u64, hsw_lock_stat>(fd, HSW_MAX_LOCKS, [&](__u64 key, const hsw_lock_stat& s) {
    LockStat l;
    l.lock = key;
    l.count = s.count;
    l.total_ns = s.total_ns;
    l.max_ns = s.max_ns;
    l.flags = s.flags;
    l.owner_pid = static_cast<int>(s.owner_pid);
    l.owner_comm = comm_string(s.owner_comm, sizeof s.owner_comm);
    l.cand_mm = s.cand_mm;
    l.cand_mm_tgid = static_cast<int>(s.cand_mm_tgid);
    l.cand_inode = s.cand_inode;
    l.cand_inode_sb = s.cand_inode_sb;
    l.cand_inode_ino = s.cand_inode_ino;
    l.cand_name = comm_string(s.cand_name, sizeof s.cand_name);
    out.push_back(std::move(l));
  });
  return out;
}

}  // namespace hangscope::watch
