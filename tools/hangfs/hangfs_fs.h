// The filesystem hangfs serves: one regular file in the root directory, held in memory, and what
// the daemon does when a WRITE arrives (answer, spin, or write to its own mount first).
#pragma once

#define FUSE_USE_VERSION 35
#include <fuse3/fuse_lowlevel.h>

#include <atomic>
#include <string>

namespace hangfs {

/// What the daemon does with a FUSE_WRITE request.
enum class OnWrite {
  kReply,  ///< store the bytes and answer (the default)
  kSpin,   ///< spin on the CPU forever without answering (an owner that runs but never answers)
  kSelf,   ///< first write the same bytes to its own file through its own mount, then answer:
           ///< a writer holding the inode's i_rwsem deadlocks with the daemon
};

/// The daemon's settings, fixed before the session starts.
struct Config {
  std::string file_name = "f";
  OnWrite on_write = OnWrite::kReply;
  bool writeback_cache = false;  ///< ask the kernel for FUSE_WRITEBACK_CACHE at INIT
};

/// Sets the configuration; call once before the session is created.
void configure(const Config& config);

/// The low-level operations of hangfs.
fuse_lowlevel_ops make_ops();

/// True once the kernel's FUSE_INIT has been answered.
bool init_done();

/// The descriptor the kSelf mode writes through (its own file opened via its own mount), or -1
/// until set_self_fd() is called. The fd is opened by a helper thread while the session loop
/// answers that open's LOOKUP and OPEN.
void set_self_fd(int fd);

}  // namespace hangfs
