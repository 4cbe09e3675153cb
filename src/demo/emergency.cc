#include "demo/emergency.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace hangscope::demo::emergency {
namespace {

enum Kind : int { kFree = 0, kReserved, kAbortKnob, kThaw, kKill };

struct Slot {
  std::atomic<int> kind{kFree};
  int value = -1;
  char path[256] = {};
};

constexpr int kSlots = 64;
Slot g_slots[kSlots];
volatile sig_atomic_t g_signal = 0;
bool g_reraise = false;

static_assert(std::atomic<int>::is_always_lock_free, "signal handlers need lock-free atomics");

int add(Kind kind, int value, const char* path) {
  if (path && std::strlen(path) >= sizeof(Slot::path)) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!g_slots[i].kind.compare_exchange_strong(expected, kReserved)) continue;
    g_slots[i].value = value;
    if (path) std::strcpy(g_slots[i].path, path);
    g_slots[i].kind.store(kind, std::memory_order_release);
    return i;
  }
  return -1;
}

void run_kind(Kind kind) {
  for (auto& slot : g_slots) {
    if (slot.kind.load(std::memory_order_acquire) != kind) continue;
    switch (kind) {
      case kAbortKnob: {
        int fd = ::open(slot.path, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
          (void)!::write(fd, "1", 1);
          ::close(fd);
        }
        break;
      }
      case kThaw:
        ::ioctl(slot.value, FITHAW, 0);
        break;
      case kKill:
        ::kill(slot.value, SIGKILL);
        ::kill(slot.value, SIGCONT);
        break;
      default:
        break;
    }
  }
}

void on_signal(int sig) {
  int saved_errno = errno;
  release_all();
  g_signal = sig;
  if (g_reraise) {
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
  errno = saved_errno;
}

}  // namespace

int add_abort_knob(const char* path) { return add(kAbortKnob, -1, path); }
int add_thaw(int fd) { return add(kThaw, fd, nullptr); }
int add_kill(pid_t pid) { return pid > 0 ? add(kKill, pid, nullptr) : -1; }

void remove(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  g_slots[slot].kind.store(kFree, std::memory_order_release);
}

void release_all() {
  run_kind(kAbortKnob);
  run_kind(kThaw);
  run_kind(kKill);
}

void install_signal_handlers(bool reraise) {
  g_reraise = reraise;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

int interrupted() { return g_signal; }

}  // namespace hangscope::demo::emergency
