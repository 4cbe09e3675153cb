// hangfs: a tiny FUSE daemon serving one writable regular file, for the demo and the live
// fixtures. Stop it with SIGSTOP and every request to its mount waits forever: that is the point.
//
//   hangfs [--file NAME] [--ready-fd FD] [--ready-file PATH] [--writeback-cache]
//          [--on-write reply|spin|self] [-o OPTS] MOUNTPOINT
//
// - Foreground and single-threaded; never daemonizes.
// - `-o blkdev,fsname=/dev/loopN` (root) mounts it as `fuseblk`: its umount sends FUSE_DESTROY.
// - Readiness: once the kernel's FUSE_INIT has been answered, "ready\n" is written to --ready-fd
//   (then closed) and --ready-file is created. Fixtures wait for that instead of sleeping.
// - xattr requests get ENOSYS, so the kernel stops asking for security.capability on writes.
// - `--writeback-cache` asks for FUSE_WRITEBACK_CACHE: writes stay dirty in the page cache and
//   reach the daemon at writeback (as with `-o writeback_cache` of libfuse's high-level API).
// - `--on-write spin` never answers a WRITE: its thread spins on the CPU instead. `--on-write
//   self` serves a WRITE by first writing the same bytes to its own file through its own mount
//   (opened at start by a helper thread): the writer holds the inode's i_rwsem while it waits for
//   the answer, the daemon waits for that i_rwsem: a deadlock only an abort of the connection
//   breaks. In that mode readiness is announced once the helper has opened the file.
// Exit status: 0 after a clean unmount, 1 when the session ends with an error, 2 on bad usage.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "hangfs_fs.h"

namespace {

struct Options {
  hangfs::Config fs;
  int ready_fd = -1;
  std::string ready_file;
  std::string mountpoint;
  std::vector<std::string> fuse_args;  // passed to fuse_session_new (e.g. "-o", "blkdev")
};

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: hangfs [--file NAME] [--ready-fd FD] [--ready-file PATH] "
               "[--writeback-cache] [--on-write reply|spin|self] [-o OPTS] MOUNTPOINT\n");
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
      opt->fs.file_name = v;
      if (opt->fs.file_name.empty() || opt->fs.file_name.find('/') != std::string::npos ||
          opt->fs.file_name == "." || opt->fs.file_name == "..") {
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
    } else if (a == "--writeback-cache") {
      opt->fs.writeback_cache = true;
    } else if (a == "--on-write") {
      const char* v = value("--on-write");
      if (!v) return false;
      std::string mode = v;
      if (mode == "reply") {
        opt->fs.on_write = hangfs::OnWrite::kReply;
      } else if (mode == "spin") {
        opt->fs.on_write = hangfs::OnWrite::kSpin;
      } else if (mode == "self") {
        opt->fs.on_write = hangfs::OnWrite::kSelf;
      } else {
        std::fprintf(stderr, "hangfs: --on-write '%s' is not reply, spin or self\n", v);
        return false;
      }
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

/// Announces readiness on --ready-fd and --ready-file, once (from whichever thread gets there
/// first); failures are reported, not fatal.
void announce_ready(Options* opt) {
  static std::atomic<bool> announced{false};
  if (announced.exchange(true)) return;
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

/// The helper thread of `--on-write self`: opens the daemon's own file through its mount (the
/// session loop answers the LOOKUP and OPEN this sends), hands the fd over, announces readiness.
void open_own_file(Options* opt) {
  std::string path = opt->mountpoint + "/" + opt->fs.file_name;
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror("hangfs: opening its own file");
    return;  // never ready: the fixture's readiness wait fails and names hangfs
  }
  hangfs::set_self_fd(fd);
  announce_ready(opt);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, &opt)) return 2;
  if (opt.ready_fd >= 0) fcntl(opt.ready_fd, F_SETFD, FD_CLOEXEC);
  hangfs::configure(opt.fs);

  std::vector<std::string> arg_store = {argv[0]};
  arg_store.insert(arg_store.end(), opt.fuse_args.begin(), opt.fuse_args.end());
  std::vector<char*> arg_ptrs;
  for (auto& s : arg_store) arg_ptrs.push_back(s.data());
  fuse_args args = FUSE_ARGS_INIT(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());

  fuse_lowlevel_ops ops = hangfs::make_ops();
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
  const bool self_write = opt.fs.on_write == hangfs::OnWrite::kSelf;
  // Detached: at exit it may still be inside open() on a connection that went away.
  if (self_write) std::thread(open_own_file, &opt).detach();
  fuse_buf fbuf{};
  int res = 0;
  while (!fuse_session_exited(se)) {
    res = fuse_session_receive_buf(se, &fbuf);
    if (res == -EINTR) continue;
    if (res <= 0) break;
    fuse_session_process_buf(se, &fbuf);
    if (!self_write && hangfs::init_done()) announce_ready(&opt);
  }
  std::free(fbuf.mem);
  fuse_session_unmount(se);
  fuse_remove_signal_handlers(se);
  fuse_session_destroy(se);
  return res < 0 && res != -ENODEV ? 1 : 0;
}
