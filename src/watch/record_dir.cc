#include "watch/record_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace hangscope::watch {

namespace {

constexpr const char* kPrefix = "hang-";
constexpr const char* kTmpPrefix = ".tmp-hang-";

std::string errno_text(int e) { return std::strerror(e); }

// Calls fn(name, d_type) for each entry of the directory open at `fd` (except . and ..).
template <typename Fn>
Status for_each_entry(int fd, const std::string& where, Fn&& fn) {
  int dup_fd = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_fd < 0) return make_error(fmt::format("{}: cannot list: {}", where, errno_text(errno)));
  DIR* d = ::fdopendir(dup_fd);
  if (!d) {
    ::close(dup_fd);
    return make_error(fmt::format("{}: cannot list: {}", where, errno_text(errno)));
  }
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") fn(name);
  }
  ::closedir(d);
  return Unit{};
}

// Deletes the regular files directly inside `name` (a record: it has no sub-directories), then
// `name` itself.
Status remove_flat_dir(int parent, const std::string& name, const std::string& where) {
  int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return make_error(fmt::format("{}: cannot open: {}", where, errno_text(errno)));
  std::vector<std::string> files;
  Status listed = for_each_entry(fd, where, [&](const std::string& f) { files.push_back(f); });
  for (const std::string& f : files) ::unlinkat(fd, f.c_str(), 0);
  ::close(fd);
  if (!listed.ok()) return listed;
  if (::unlinkat(parent, name.c_str(), AT_REMOVEDIR) != 0)
    return make_error(fmt::format("{}: cannot remove: {}", where, errno_text(errno)));
  return Unit{};
}

std::uint64_t flat_dir_bytes(int parent, const std::string& name) {
  int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return 0;
  std::uint64_t total = 0;
  (void)for_each_entry(fd, name, [&](const std::string& f) {
    struct stat st {};
    if (::fstatat(fd, f.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      total += static_cast<std::uint64_t>(st.st_size);
  });
  ::close(fd);
  return total;
}

Status write_whole(int dir_fd, const RecordFile& f, const std::string& where) {
  int fd = ::openat(dir_fd, f.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return make_error(fmt::format("{}: cannot create: {}", where, errno_text(errno)));
  std::size_t done = 0;
  while (done < f.content.size()) {
    ssize_t n = ::write(fd, f.content.data() + done, f.content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      ::close(fd);
      return make_error(fmt::format("{}: cannot write: {}", where, errno_text(e)));
    }
    done += static_cast<std::size_t>(n);
  }
  int synced = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (synced != 0) return make_error(fmt::format("{}: cannot write: {}", where, errno_text(e)));
  return Unit{};
}

}  // namespace

bool is_record_name(const std::string& name) { return name.starts_with(kPrefix); }

std::vector<std::string> rotation_victims(std::vector<StoredRecord> existing,
                                          std::uint64_t incoming_bytes, const RecordCaps& caps) {
  std::sort(existing.begin(), existing.end(),
            [](const StoredRecord& a, const StoredRecord& b) { return a.name < b.name; });
  std::uint64_t total = incoming_bytes;
  for (const StoredRecord& r : existing) total += r.bytes;
  std::size_t count = existing.size() + 1;
  std::vector<std::string> out;
  for (const StoredRecord& r : existing) {
    if (total <= caps.max_bytes && count <= caps.max_records) break;
    out.push_back(r.name);
    total -= r.bytes;
    --count;
  }
  return out;
}

Result<RecordDir> RecordDir::open(const std::string& path, const RecordCaps& caps) {
  if (path.empty()) return make_error("--record: empty directory name");
  if (::mkdir(path.c_str(), 0750) != 0 && errno != EEXIST)
    return make_error(fmt::format("{}: cannot create: {}", path, errno_text(errno)));
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error(fmt::format("{}: cannot open: {}", path, errno_text(errno)));
  RecordDir d(fd, path, caps);
  std::vector<std::string> names, leftovers;
  Status listed = for_each_entry(fd, path, [&](const std::string& n) {
    if (is_record_name(n)) names.push_back(n);
    if (n.starts_with(kTmpPrefix)) leftovers.push_back(n);
  });
  if (!listed.ok()) return listed.error();
  for (const std::string& n : leftovers) (void)remove_flat_dir(fd, n, path + "/" + n);
  for (const std::string& n : names) d.records_.push_back({n, flat_dir_bytes(fd, n)});
  std::sort(d.records_.begin(), d.records_.end(),
            [](const StoredRecord& a, const StoredRecord& b) { return a.name < b.name; });
  return d;
}

RecordDir::RecordDir(RecordDir&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), caps_(o.caps_), records_(std::move(o.records_)) {
  o.fd_ = -1;
}

RecordDir::~RecordDir() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t RecordDir::total_bytes() const {
  std::uint64_t t = 0;
  for (const StoredRecord& r : records_) t += r.bytes;
  return t;
}

Status RecordDir::remove_record(const std::string& name) {
  Status s = remove_flat_dir(fd_, name, path_ + "/" + name);
  std::erase_if(records_, [&](const StoredRecord& r) { return r.name == name; });
  return s;
}

Result<RecordDir::Written> RecordDir::write(const std::string& name,
                                            const std::vector<RecordFile>& files) {
  Written w;
  w.path = path_ + "/" + name;
  for (const RecordFile& f : files) w.bytes += f.content.size();
  if (w.bytes > caps_.max_bytes)
    return make_error(fmt::format("{}: record of {} bytes exceeds the cap of {} bytes", w.path,
                                  w.bytes, caps_.max_bytes));
  for (const std::string& victim : rotation_victims(records_, w.bytes, caps_)) {
    if (auto r = remove_record(victim); !r.ok()) return r.error();
    w.rotated.push_back(victim);
  }
  std::string tmp = kTmpPrefix + name.substr(std::string_view(kPrefix).size());
  if (::mkdirat(fd_, tmp.c_str(), 0750) != 0)
    return make_error(fmt::format("{}/{}: cannot create: {}", path_, tmp, errno_text(errno)));
  int tmp_fd = ::openat(fd_, tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  Status done =
      tmp_fd >= 0
          ? Status(Unit{})
          : make_error(fmt::format("{}/{}: cannot open: {}", path_, tmp, errno_text(errno)));
  for (const RecordFile& f : files) {
    if (!done.ok()) break;
    done = write_whole(tmp_fd, f, fmt::format("{}/{}/{}", path_, tmp, f.name));
  }
  if (tmp_fd >= 0) {
    if (done.ok() && ::fsync(tmp_fd) != 0)
      done = make_error(fmt::format("{}/{}: cannot sync: {}", path_, tmp, errno_text(errno)));
    ::close(tmp_fd);
  }
  if (done.ok() && ::renameat(fd_, tmp.c_str(), fd_, name.c_str()) != 0)
    done = make_error(fmt::format("{}: cannot rename into place: {}", w.path, errno_text(errno)));
  if (!done.ok()) {
    (void)remove_flat_dir(fd_, tmp, path_ + "/" + tmp);
    return done.error();
  }
  ::fsync(fd_);
  records_.push_back({name, w.bytes});
  return w;
}

}  // namespace hangscope::watch
