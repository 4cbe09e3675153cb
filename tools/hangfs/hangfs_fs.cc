#include "hangfs_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace hangfs {
namespace {

constexpr fuse_ino_t kFileIno = 2;
constexpr size_t kMaxFileBytes = 64u << 20;  // writes beyond 64 MiB fail with EFBIG

struct HangFs {
  Config config;
  std::string data;
  mode_t mode = S_IFREG | 0666;
  timespec mtime{};
  std::atomic<bool> init_done{false};
  std::atomic<int> self_fd{-1};
};

HangFs g_fs;

void fill_attr(fuse_ino_t ino, struct stat* st) {
  std::memset(st, 0, sizeof(*st));
  st->st_ino = ino;
  st->st_uid = getuid();
  st->st_gid = getgid();
  st->st_mtim = st->st_ctim = st->st_atim = g_fs.mtime;
  if (ino == FUSE_ROOT_ID) {
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 2;
  } else {
    st->st_mode = g_fs.mode;
    st->st_nlink = 1;
    st->st_size = static_cast<off_t>(g_fs.data.size());
    st->st_blocks = static_cast<blkcnt_t>((g_fs.data.size() + 511) / 512);
  }
}

bool known_ino(fuse_ino_t ino) { return ino == FUSE_ROOT_ID || ino == kFileIno; }

void hf_init(void*, fuse_conn_info* conn) {
  if (g_fs.config.writeback_cache && (conn->capable & FUSE_CAP_WRITEBACK_CACHE)) {
    conn->want |= FUSE_CAP_WRITEBACK_CACHE;
  }
  g_fs.init_done = true;
}

void hf_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  if (parent != FUSE_ROOT_ID || g_fs.config.file_name != name) {
    fuse_reply_err(req, ENOENT);
    return;
  }
  fuse_entry_param e{};
  e.ino = kFileIno;
  e.attr_timeout = 1.0;
  e.entry_timeout = 1.0;
  fill_attr(kFileIno, &e.attr);
  fuse_reply_entry(req, &e);
}

void hf_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  if (!known_ino(ino)) {
    fuse_reply_err(req, ENOENT);
    return;
  }
  struct stat st;
  fill_attr(ino, &st);
  fuse_reply_attr(req, &st, 1.0);
}

void hf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info*) {
  if (ino != kFileIno) {
    fuse_reply_err(req, ino == FUSE_ROOT_ID ? EPERM : ENOENT);
    return;
  }
  if (to_set & FUSE_SET_ATTR_SIZE) {
    if (attr->st_size < 0 || static_cast<size_t>(attr->st_size) > kMaxFileBytes) {
      fuse_reply_err(req, EFBIG);
      return;
    }
    g_fs.data.resize(static_cast<size_t>(attr->st_size));
  }
  if (to_set & FUSE_SET_ATTR_MODE) g_fs.mode = S_IFREG | (attr->st_mode & 07777);
  clock_gettime(CLOCK_REALTIME, &g_fs.mtime);
  struct stat st;
  fill_attr(ino, &st);
  fuse_reply_attr(req, &st, 1.0);
}

void hf_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  if (ino != kFileIno) {
    fuse_reply_err(req, ino == FUSE_ROOT_ID ? EISDIR : ENOENT);
    return;
  }
  if (fi->flags & O_TRUNC) g_fs.data.clear();
  fuse_reply_open(req, fi);
}

void hf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info*) {
  if (ino != kFileIno) {
    fuse_reply_err(req, EISDIR);
    return;
  }
  if (off < 0 || static_cast<size_t>(off) >= g_fs.data.size()) {
    fuse_reply_buf(req, nullptr, 0);
    return;
  }
  size_t n = std::min(size, g_fs.data.size() - static_cast<size_t>(off));
  fuse_reply_buf(req, g_fs.data.data() + off, n);
}

void hf_write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off,
              fuse_file_info*) {
  if (ino != kFileIno) {
    fuse_reply_err(req, EISDIR);
    return;
  }
  if (off < 0 || static_cast<size_t>(off) > kMaxFileBytes - std::min(size, kMaxFileBytes)) {
    fuse_reply_err(req, EFBIG);
    return;
  }
  if (g_fs.config.on_write == OnWrite::kSpin) {
    volatile unsigned long spins = 0;
    for (;;) spins = spins + 1;
  }
  if (g_fs.config.on_write == OnWrite::kSelf) {
    // Blocks on the inode's i_rwsem while the writer that sent this request holds it.
    int fd = g_fs.self_fd.load();
    if (fd >= 0 && pwrite(fd, buf, size, off) < 0) {
      fuse_reply_err(req, errno);
      return;
    }
  }
  size_t end = static_cast<size_t>(off) + size;
  if (end > g_fs.data.size()) g_fs.data.resize(end);
  std::memcpy(g_fs.data.data() + off, buf, size);
  clock_gettime(CLOCK_REALTIME, &g_fs.mtime);
  fuse_reply_write(req, size);
}

void hf_flush(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }
void hf_release(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }
void hf_fsync(fuse_req_t req, fuse_ino_t, int, fuse_file_info*) { fuse_reply_err(req, 0); }

void hf_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  if (ino != FUSE_ROOT_ID) {
    fuse_reply_err(req, ENOTDIR);
    return;
  }
  fuse_reply_open(req, fi);
}

void hf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info*) {
  if (ino != FUSE_ROOT_ID) {
    fuse_reply_err(req, ENOTDIR);
    return;
  }
  struct Entry {
    const char* name;
    fuse_ino_t ino;
    mode_t mode;
  };
  const Entry entries[] = {{".", FUSE_ROOT_ID, S_IFDIR},
                           {"..", FUSE_ROOT_ID, S_IFDIR},
                           {g_fs.config.file_name.c_str(), kFileIno, S_IFREG}};
  std::vector<char> buf(size);
  size_t used = 0;
  for (off_t i = off; i < static_cast<off_t>(std::size(entries)); ++i) {
    struct stat st {};
    st.st_ino = entries[i].ino;
    st.st_mode = entries[i].mode;
    size_t need =
        fuse_add_direntry(req, buf.data() + used, size - used, entries[i].name, &st, i + 1);
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buf.data(), used);
}

void hf_releasedir(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }

void hf_setxattr(fuse_req_t req, fuse_ino_t, const char*, const char*, size_t, int) {
  fuse_reply_err(req, ENOSYS);
}
void hf_getxattr(fuse_req_t req, fuse_ino_t, const char*, size_t) { fuse_reply_err(req, ENOSYS); }
void hf_listxattr(fuse_req_t req, fuse_ino_t, size_t) { fuse_reply_err(req, ENOSYS); }
void hf_removexattr(fuse_req_t req, fuse_ino_t, const char*) { fuse_reply_err(req, ENOSYS); }

}  // namespace

fuse_lowlevel_ops make_ops() {
  fuse_lowlevel_ops ops{};
  ops.init = hf_init;
  ops.lookup = hf_lookup;
  ops.getattr = hf_getattr;
  ops.setattr = hf_setattr;
  ops.open = hf_open;
  ops.read = hf_read;
  ops.write = hf_write;
  ops.flush = hf_flush;
  ops.release = hf_release;
  ops.fsync = hf_fsync;
  ops.opendir = hf_opendir;
  ops.readdir = hf_readdir;
  ops.releasedir = hf_releasedir;
  ops.setxattr = hf_setxattr;
  ops.getxattr = hf_getxattr;
  ops.listxattr = hf_listxattr;
  ops.removexattr = hf_removexattr;
  return ops;
}

void configure(const Config& config) {
  g_fs.config = config;
  clock_gettime(CLOCK_REALTIME, &g_fs.mtime);
}

bool init_done() { return g_fs.init_done.load(); }

void set_self_fd(int fd) { g_fs.self_fd.store(fd); }

}  // namespace hangfs
