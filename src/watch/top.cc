#include "watch/top.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/escape.h"

namespace hangscope::watch {

namespace {

std::string sb_name(const model::SuperBlock& sb) {
  std::string out = fmt::format("super_block {} ({})", sb.s_id, sb.fs_type);
  if (!sb.mount_points.empty()) out += " on " + sb.mount_points.front();
  return out;
}

}  // namespace

std::string lock_object_name(const LockStat& s, const model::Snapshot& snap,
                             std::uint64_t pcpu_rwsem_size) {
  for (const model::SuperBlock& sb : snap.super_blocks) {
    if (sb.s_umount_addr.known() && *sb.s_umount_addr == s.lock) return sb_name(sb) + " s_umount";
    if (sb.s_writers_addr.known()) {
      std::uint64_t w = *sb.s_writers_addr, span = pcpu_rwsem_size ? 3 * pcpu_rwsem_size : 1;
      if (s.lock >= w && s.lock < w + span) return sb_name(sb) + " s_writers";
    }
  }
  if (s.cand_mm) return fmt::format("mm of pid {} ({}) mmap_lock", s.cand_mm_tgid, s.cand_name);
  if (s.cand_inode) {
    for (const model::SuperBlock& sb : snap.super_blocks) {
      if (sb.addr != s.cand_inode_sb || !sb.addr) continue;
      std::string name = s.cand_name.empty() ? "" : " '" + s.cand_name + "'";
      return fmt::format("inode {}{} of {} i_rwsem", s.cand_inode_ino, name, sb_name(sb));
    }
  }
  return "";
}

std::vector<TopRow> top_rows(std::vector<LockStat> stats, const std::vector<LockWait>& waits,
                             std::uint64_t now_ns, const model::Snapshot& snap,
                             std::uint64_t pcpu_rwsem_size, std::size_t limit) {
  std::map<std::uint64_t, TopRow> by_lock;
  for (LockStat& s : stats) by_lock[s.lock].stat = std::move(s);
  for (const LockWait& w : waits) {
    TopRow& r = by_lock[w.lock];
    std::uint64_t so_far = now_ns > w.start_ns ? now_ns - w.start_ns : 0;
    if (!r.stat.lock) {
      r.stat.lock = w.lock;
      r.stat.flags = w.flags;
    }
    r.in_progress++;
    r.stat.count++;
    r.stat.total_ns += so_far;
    r.stat.max_ns = std::max(r.stat.max_ns, so_far);
    if (w.owner_pid) {
      r.stat.owner_pid = w.owner_pid;
      r.stat.owner_comm = w.owner_comm;
    }
  }
  std::vector<TopRow> rows;
  for (auto& [lock, r] : by_lock) rows.push_back(std::move(r));
  std::sort(rows.begin(), rows.end(), [](const TopRow& a, const TopRow& b) {
    return a.stat.total_ns != b.stat.total_ns ? a.stat.total_ns > b.stat.total_ns
                                              : a.stat.lock < b.stat.lock;
  });
  if (rows.size() > limit) rows.resize(limit);
  for (TopRow& r : rows) {
    r.kind = std::string(lock_kind_name(r.stat.flags));
    r.object = lock_object_name(r.stat, snap, pcpu_rwsem_size);
  }
  return rows;
}

std::string top_text(const std::vector<TopRow>& rows, const TracerCounters& c, double elapsed) {
  std::string out = fmt::format(
      "contended locks over {:.0f} s: {} contentions, {} lost, {} spin-lock contentions skipped\n"
      "{:>9} {:>5} {:>11} {:>10} {:>9}  {:<12} {:<18}  {:<24}  {}\n",
      elapsed, c.events, c.lost(), c.spins_skipped, "count", "now", "total(ms)", "max(ms)",
      "avg(us)", "kind", "lock", "last owner", "object");
  for (const TopRow& r : rows) {
    const LockStat& s = r.stat;
    std::string owner =
        s.owner_pid ? fmt::format("{} ({})", s.owner_pid, report::escape_text(s.owner_comm)) : "-";
    double avg_us =
        s.count ? static_cast<double>(s.total_ns) / static_cast<double>(s.count) / 1e3 : 0;
    out += fmt::format("{:>9} {:>5} {:>11.3f} {:>10.3f} {:>9.1f}  {:<12} {:#018x}  {:<24}  {}\n",
                       s.count, r.in_progress, static_cast<double>(s.total_ns) / 1e6,
                       static_cast<double>(s.max_ns) / 1e6, avg_us, r.kind, s.lock, owner,
                       report::escape_text(r.object));
  }
  if (rows.empty()) out += "(no lock contention yet)\n";
  return out;
}

nlohmann::json top_json(const std::vector<TopRow>& rows, const TracerCounters& c, double elapsed,
                        const std::string& time) {
  nlohmann::json locks = nlohmann::json::array();
  for (const TopRow& r : rows) {
    const LockStat& s = r.stat;
    nlohmann::json j{{"addr", fmt::format("{:#x}", s.lock)},
                     {"kind", r.kind},
                     {"count", s.count},
                     {"in_progress", r.in_progress},
                     {"total_ns", s.total_ns},
                     {"max_ns", s.max_ns},
                     {"avg_ns", s.count ? s.total_ns / s.count : 0}};
    j["owner"] = s.owner_pid ? nlohmann::json{{"pid", s.owner_pid}, {"comm", s.owner_comm}}
                             : nlohmann::json("unknown");
    if (!r.object.empty()) j["object"] = r.object;
    locks.push_back(std::move(j));
  }
  return {{"event", "top"},
          {"time", time},
          {"elapsed_seconds", elapsed},
          {"contention_events", c.events},
          {"lost_events", c.lost()},
          {"spins_skipped", c.spins_skipped},
          {"locks", locks}};
}

}  // namespace hangscope::watch
