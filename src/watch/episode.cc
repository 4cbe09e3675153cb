#include "watch/episode.h"

#include <algorithm>
#include <cmath>

namespace hangscope::watch {

namespace {

double seconds_between(std::uint64_t from_ns, std::uint64_t to_ns) {
  return to_ns > from_ns ? static_cast<double>(to_ns - from_ns) / 1e9 : 0.0;
}

// A wait as an episode: LockWait (still waiting) and EndedWait carry the same fields.
template <typename Wait>
Episode episode_of(const Wait& w) {
  Episode e;
  e.pid = w.pid;
  e.tgid = w.tgid;
  e.comm = w.comm;
  e.lock = w.lock;
  e.flags = w.flags;
  e.kind = std::string(lock_kind_name(w.flags));
  e.start_ns = w.start_ns;
  e.owner = {w.owner_pid, w.owner_pid ? w.owner_comm : ""};
  return e;
}

}  // namespace

std::vector<StuckEvent> EpisodeTracker::add_preexisting(Episode episode, double stuck_seconds,
                                                        std::uint64_t now_ns) {
  if (!(stuck_seconds >= threshold_s_) || open_.count(episode.pid)) return {};
  auto back = static_cast<std::uint64_t>(std::llround(stuck_seconds * 1e9));
  episode.start_ns = now_ns > back ? now_ns - back : 0;
  episode.from_snapshot = true;
  open_[episode.pid] = episode;
  return {StuckEvent{episode, stuck_seconds}};
}

std::vector<int> EpisodeTracker::snapshot_pids() const {
  std::vector<int> out;
  for (const auto& [pid, e] : open_)
    if (e.from_snapshot) out.push_back(pid);
  return out;
}

ReleasedEvent EpisodeTracker::release(const Episode& e, std::uint64_t now_ns,
                                      const std::vector<EndedWait>& ended) const {
  ReleasedEvent r{e, seconds_between(e.start_ns, now_ns), false};
  for (const EndedWait& x : ended) {
    if (x.pid == e.pid && x.lock == e.lock && x.start_ns == e.start_ns && !e.from_snapshot) {
      r.lasted_seconds = seconds_between(x.start_ns, x.end_ns);
      r.exact = true;
    }
  }
  return r;
}

SweepEvents EpisodeTracker::sweep(const TracerSample& s, const std::set<int>& still_blocked) {
  SweepEvents out;
  std::map<int, const LockWait*> by_pid;
  longest_s_ = 0;
  for (const LockWait& w : s.waits) {
    by_pid[w.pid] = &w;
    longest_s_ = std::max(longest_s_, seconds_between(w.start_ns, s.now_ns));
  }
  // Ends first: a wait that left the map, was replaced by a newer one, or (snapshot
  // episodes) a task no longer blocked.
  for (auto it = open_.begin(); it != open_.end();) {
    const Episode& e = it->second;
    auto w = by_pid.find(e.pid);
    bool ended;
    if (e.from_snapshot) {
      ended =
          !still_blocked.count(e.pid) || (w != by_pid.end() && w->second->start_ns > e.start_ns);
    } else {
      ended = w == by_pid.end() || w->second->lock != e.lock || w->second->start_ns != e.start_ns;
    }
    if (!ended) {
      ++it;
      continue;
    }
    out.released.push_back(release(e, s.now_ns, s.ended));
    it = open_.erase(it);
  }
  // Long waits that ended without ever being seen open (they crossed the threshold between two
  // sweeps): not an episode released above, and not still open under the same start.
  for (const EndedWait& x : s.ended) {
    bool seen = std::any_of(out.released.begin(), out.released.end(), [&](const ReleasedEvent& r) {
      return r.episode.pid == x.pid && r.episode.start_ns == x.start_ns && !r.episode.from_snapshot;
    });
    auto open = open_.find(x.pid);
    if (open != open_.end() && open->second.start_ns == x.start_ns) seen = true;
    if (!seen && seconds_between(x.start_ns, x.end_ns) >= threshold_s_) {
      out.brief.push_back({episode_of(x), seconds_between(x.start_ns, x.end_ns), true});
    }
  }
  // New episodes: waits over the threshold with no open episode.
  for (const LockWait& w : s.waits) {
    double waited = seconds_between(w.start_ns, s.now_ns);
    if (waited < threshold_s_ || open_.count(w.pid)) continue;
    Episode e = episode_of(w);
    open_[w.pid] = e;
    out.stuck.push_back({e, waited});
  }
  return out;
}

std::map<std::string, int> EpisodeTracker::open_by_kind() const {
  std::map<std::string, int> out;
  for (const auto& [pid, e] : open_) out[e.kind]++;
  return out;
}

}  // namespace hangscope::watch
