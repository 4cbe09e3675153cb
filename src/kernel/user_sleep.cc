#include "kernel/user_sleep.h"

#include <array>

namespace hangscope::kernel {

namespace {

// Functions that sleep for a system call whose whole point is to wait, and that hold no lock
// of the caller while they sleep (each drops its own locks before schedule()). Not listed on
// purpose: n_tty_read (sleeps holding ldata->atomic_read_lock), pipe_wait-style helpers.
constexpr std::array<std::string_view, 15> kUserSleeps = {
    "do_nanosleep",             // kernel/time/hrtimer.c: nanosleep, clock_nanosleep
    "hrtimer_nanosleep",        //   (its caller: do_nanosleep is inlined on 6.1 builds)
    "do_sys_poll",              // fs/select.c: poll, ppoll
    "do_select",                // fs/select.c: select, pselect6
    "ep_poll",                  // fs/eventpoll.c: epoll_wait
    "do_epoll_wait",            //   (its caller, when ep_poll is inlined)
    "futex_wait_queue",         // kernel/futex/waitwake.c (5.16+)
    "futex_wait_queue_me",      // kernel/futex.c (before 5.16)
    "do_wait",                  // kernel/exit.c: wait4, waitid
    "__do_sys_pause",           // kernel/signal.c: pause
    "__x64_sys_pause",          //   (the entry name when __do_sys_pause is inlined)
    "do_sigtimedwait",          // kernel/signal.c: rt_sigtimedwait
    "sigsuspend",               // kernel/signal.c: rt_sigsuspend
    "do_msgrcv",                // ipc/msg.c: msgrcv
    "unix_stream_read_generic"  // net/unix/af_unix.c: read on a unix socket (unix_state_lock
                                // dropped)
};

}  // namespace

std::string_view user_space_sleep(const std::vector<model::StackFrame>& stack) {
  for (const auto& f : stack) {
    for (std::string_view s : kUserSleeps) {
      if (f.symbol == s) return s;
    }
  }
  return {};
}

}  // namespace hangscope::kernel
