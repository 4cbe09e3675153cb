#include "watch/recorder.h"

#include <fmt/format.h>

#include <optional>
#include <thread>

#include "watch/bounded_worker.h"

namespace hangscope::watch {

namespace {

struct RecordJob {
  bool open_only = false;
  std::string name;
  EpisodeRecord record;
  std::string text, json_lines;
  std::uint64_t suppressed_before = 0;
};

// Lives on the worker thread (shared with the Recorder only through the job queue).
struct WorkerState {
  std::string path;
  RecordCaps caps;
  std::optional<RecordDir> dir;

  RecordOutcome handle(RecordJob& job) {
    RecordOutcome out;
    out.suppressed_before = job.suppressed_before;
    if (!dir) {
      auto d = RecordDir::open(path, caps);
      if (!d.ok()) {
        out.error = d.error().message;
        return out;
      }
      dir.emplace(std::move(*d));
    }
    if (job.open_only) {
      out.ok = true;
      return out;
    }
    std::vector<RecordFile> files{{"report.txt", std::move(job.text)},
                                  {"report.json", std::move(job.json_lines)}};
    std::uint64_t reports = files[0].content.size() + files[1].content.size();
    std::string replay = episode_record_to_json(job.record)
                             .dump(1, ' ', false, nlohmann::json::error_handler_t::replace) +
                         "\n";
    if (reports + replay.size() <= caps.max_bytes)
      files.push_back({"episode.json", std::move(replay)});
    else
      out.replay_kept = false;
    auto w = dir->write(job.name, files);
    if (!w.ok()) {
      out.error = w.error().message;
      return out;
    }
    out.ok = true;
    out.path = w->path;
    out.bytes = w->bytes;
    out.rotated = std::move(w->rotated);
    return out;
  }
};

}  // namespace

struct Recorder::Impl {
  explicit Impl(const RecorderOptions& o)
      : worker(o.queue_incidents,
               [s = std::make_shared<WorkerState>(WorkerState{o.dir, o.caps, {}})](RecordJob& job) {
                 return s->handle(job);
               }) {}
  BoundedWorker<RecordJob, RecordOutcome> worker;
};

std::string record_name(const std::string& utc, std::uint64_t seq, int pid) {
  std::string compact;
  for (char c : utc)
    if (c != '-' && c != ':') compact += c;
  return fmt::format("hang-{}-{:06}-pid{}", compact, seq, pid);
}

Recorder::Recorder(const RecorderOptions& options)
    : options_(options), limiter_(options.rate), impl_(std::make_unique<Impl>(options)) {}

Recorder::~Recorder() { stop(std::chrono::milliseconds(0)); }

Result<std::unique_ptr<Recorder>> Recorder::start(const RecorderOptions& options,
                                                  std::chrono::milliseconds open_wait) {
  std::unique_ptr<Recorder> r(new Recorder(options));
  RecordJob open;
  open.open_only = true;
  r->impl_->worker.try_push(std::move(open));
  auto deadline = std::chrono::steady_clock::now() + open_wait;
  for (;;) {
    for (const RecordOutcome& o : r->impl_->worker.take_done()) {
      if (!o.ok) return make_error("--record " + o.error);
      return r;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r->open_pending_ = true;
  return r;
}

Recorder::Offer Recorder::offer(std::uint64_t now_ns, const std::string& utc, EpisodeRecord record,
                                std::string text, std::string json_lines) {
  if (!limiter_.admit(now_ns)) {
    ++counters_.suppressed;
    return Offer::suppressed;
  }
  RecordJob job;
  int pid = record.episodes.empty() ? 0 : record.episodes.front().event.episode.pid;
  job.name = record_name(utc, ++seq_, pid);
  job.record = std::move(record);
  job.text = std::move(text);
  job.json_lines = std::move(json_lines);
  job.suppressed_before = limiter_.suppressed_before_last();
  if (!impl_->worker.try_push(std::move(job))) {
    ++counters_.dropped;
    return Offer::dropped;
  }
  return Offer::queued;
}

std::vector<RecordOutcome> Recorder::take_outcomes() {
  std::vector<RecordOutcome> out;
  for (RecordOutcome& o : impl_->worker.take_done()) {
    if (o.ok && o.path.empty()) {  // the start-up open, finished late
      open_pending_ = false;
      continue;
    }
    if (o.ok) {
      ++counters_.written;
      counters_.rotated += o.rotated.size();
    } else {
      ++counters_.failed;
    }
    out.push_back(std::move(o));
  }
  return out;
}

RecorderCounters Recorder::counters() const { return counters_; }

bool Recorder::stop(std::chrono::milliseconds grace) { return impl_->worker.stop(grace); }

}  // namespace hangscope::watch
