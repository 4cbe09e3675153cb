// hangfs: a tiny FUSE daemon serving one writable regular file, for the demo and the live
// fixtures. Stop it with SIGSTOP and every request to its mount waits forever: that is the point.
//
//   hangfs [--file NAME] [--ready-fd FD] [--ready-file PATH] [-o OPTS] MOUNTPOINT
//
// - Foreground and single-threaded; never daemonizes.
// - `-o blkdev,fsname=/dev/loopN` (root) mounts it as `fuseblk`: its umount sends FUSE_DESTROY.
// - Readiness: once the kernel's FUSE_INIT has been answered, "ready\n" is written to --ready-fd
//   (then closed) and --ready-file is created. Fixtures wait for that instead of sleeping.
// - xattr requests get ENOSYS, so the kernel stops asking for security.capability on writes.
// Exit status: 0 after a clean unmount, 1 when the session ends with an error, 2 on bad usage.
#define FUSE_USE_VERSION 35
#include <fcntl.h>
#include <fuse3/fuse_lowlevel.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

constexpr fuse_ino_t kFileIno = 2;
constexpr size_t kMaxFileBytes = 64u << 20;  // writes beyond 64 MiB fail with EFBIG

struct HangFs {
  std::string file_name = "f";
  std::string data;
  mode_t mode = S_IFREG | 0666;
  timespec mtime{};
  bool init_done = false;
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

void hf_init(void*, fuse_conn_info*) { g_fs.init_done = true; }

void hf_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  if (parent != FUSE_ROOT_ID || g_fs.file_name != name) {
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
                           {g_fs.file_name.c_str(), kFileIno, S_IFREG}};
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

struct Options {
  int ready_fd = -1;
  std::string ready_file;
  std::string mountpoint;
  std::vector<std::string> fuse_args;  // passed to fuse_session_new (e.g. "-o", "blkdev")
};

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: hangfs [--file NAME] [--ready-fd FD] [--ready-file PATH] [-o OPTS] "
               "MOUNTPOINT\n");
}

/// Parses argv; returns false (after printing one line) on bad usage.
bool parse_options(int argc, char** argv, Options* opt) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* what) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "hangfs: %s needs a value\n", what);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      usage(stdout);
      std::exit(0);
    } else if (a == "--file") {
      const char* v = value("--file");
      if (!v) return false;
      g_fs.file_name = v;
      if (g_fs.file_name.empty() || g_fs.file_name.find('/') != std::string::npos ||
          g_fs.file_name == "." || g_fs.file_name == "..") {
        std::fprintf(stderr, "hangfs: --file '%s' is not a plain file name\n", v);
        return false;
      }
    } else if (a == "--ready-fd") {
      const char* v = value("--ready-fd");
      if (!v) return false;
      char* end = nullptr;
      long fd = std::strtol(v, &end, 10);
      if (*v == '\0' || *end != '\0' || fd < 0 || fd > 1 << 20) {
        std::fprintf(stderr, "hangfs: --ready-fd '%s' is not a file descriptor number\n", v);
        return false;
      }
      opt->ready_fd = static_cast<int>(fd);
    } else if (a == "--ready-file") {
      const char* v = value("--ready-file");
      if (!v) return false;
      opt->ready_file = v;
    } else if (a == "-o") {
      const char* v = value("-o");
      if (!v) return false;
      opt->fuse_args.push_back("-o");
      opt->fuse_args.push_back(v);
    } else if (a == "-f" || a == "-s") {
      // Always foreground and single-threaded; accepted for familiarity.
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "hangfs: unknown option '%s'\n", argv[i]);
      return false;
    } else if (opt->mountpoint.empty()) {
      opt->mountpoint = a;
    } else {
      std::fprintf(stderr, "hangfs: more than one mount point ('%s')\n", argv[i]);
      return false;
    }
  }
  if (opt->mountpoint.empty()) {
    usage(stderr);
    return false;
  }
  return true;
}

/// Announces readiness on --ready-fd and --ready-file; failures are reported, not fatal.
void announce_ready(Options* opt) {
  if (opt->ready_fd >= 0) {
    static const char line[] = "ready\n";
    if (write(opt->ready_fd, line, sizeof(line) - 1) < 0) std::perror("hangfs: --ready-fd");
    close(opt->ready_fd);
    opt->ready_fd = -1;
  }
  if (!opt->ready_file.empty()) {
    int fd = open(opt->ready_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::perror("hangfs: --ready-file");
    } else {
      close(fd);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, &opt)) return 2;
  if (opt.ready_fd >= 0) fcntl(opt.ready_fd, F_SETFD, FD_CLOEXEC);
  clock_gettime(CLOCK_REALTIME, &g_fs.mtime);

  std::vector<std::string> arg_store = {argv[0]};
  arg_store.insert(arg_store.end(), opt.fuse_args.begin(), opt.fuse_args.end());
  std::vector<char*> arg_ptrs;
  for (auto& s : arg_store) arg_ptrs.push_back(s.data());
  fuse_args args = FUSE_ARGS_INIT(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());

  fuse_lowlevel_ops ops = make_ops();
  fuse_session* se = fuse_session_new(&args, &ops, sizeof(ops), nullptr);
  if (!se) {
    std::fprintf(stderr, "hangfs: bad FUSE options\n");
    return 2;
  }
  if (fuse_set_signal_handlers(se) != 0 || fuse_session_mount(se, opt.mountpoint.c_str()) != 0) {
    std::fprintf(stderr, "hangfs: cannot mount on '%s'\n", opt.mountpoint.c_str());
    fuse_session_destroy(se);
    return 1;
  }

  // Our own loop (instead of fuse_session_loop) so readiness is announced only after the reply
  // to FUSE_INIT has been written: from then on the connection is fully initialised.
  fuse_buf fbuf{};
  int res = 0;
  while (!fuse_session_exited(se)) {
    res = fuse_session_receive_buf(se, &fbuf);
    if (res == -EINTR) continue;
    if (res <= 0) break;
    fuse_session_process_buf(se, &fbuf);
    if (g_fs.init_done && (opt.ready_fd >= 0 || !opt.ready_file.empty())) {
      announce_ready(&opt);
      opt.ready_file.clear();
    }
  }
  std::free(fbuf.mem);
  fuse_session_unmount(se);
  fuse_remove_signal_handlers(se);
  fuse_session_destroy(se);
  return res < 0 && res != -ENODEV ? 1 : 0;
}
