#include "demo/uffd_write.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "demo/emergency.h"
#include "demo/proc_task.h"

namespace hangscope::demo {
namespace {

constexpr size_t kPage = 4096;

/// What writer1 sets up in prepare and uses in act (lives in writer1's memory).
struct FaultingWriter {
  std::string path;
  int fd = -1;
  void* region = nullptr;
  pid_t handler = -1;
};

/// The handler: serves missing-page faults with zero pages, until killed. It is stopped before
/// any fault arrives, so it never gets to.
[[noreturn]] void run_handler(int uffd, pid_t parent) {
  prctl(PR_SET_NAME, "uffd_handler", 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != parent) _exit(125);
  // Hold nothing but the userfaultfd (and stdio).
  if (uffd > 3) syscall(SYS_close_range, 3U, static_cast<unsigned>(uffd - 1), 0);
  syscall(SYS_close_range, static_cast<unsigned>(uffd + 1), ~0U, 0);
  static char zeros[kPage] __attribute__((aligned(kPage)));
  for (;;) {
    pollfd p{uffd, POLLIN, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR) _exit(1);
    uffd_msg msg{};
    if (::read(uffd, &msg, sizeof(msg)) != sizeof(msg)) continue;
    if (msg.event != UFFD_EVENT_PAGEFAULT) continue;
    uffdio_copy copy{};
    copy.dst = msg.arg.pagefault.address & ~(kPage - 1);
    copy.src = reinterpret_cast<unsigned long>(zeros);
    copy.len = kPage;
    ::ioctl(uffd, UFFDIO_COPY, &copy);
  }
}

/// In writer1: opens the target, registers one anonymous page with a userfaultfd for missing
/// faults, forks the handler (which inherits the userfaultfd) and closes its own copy, so the
/// handler is the only holder. Returns the handler's pid or -errno.
long prepare_faulting_writer(FaultingWriter* w) {
  w->fd = ::open(w->path.c_str(), O_WRONLY | O_CLOEXEC);
  if (w->fd < 0) return -errno;
  // Not UFFD_USER_MODE_ONLY: the fault to catch happens in the kernel's copy_from_user.
  int uffd = static_cast<int>(syscall(SYS_userfaultfd, O_CLOEXEC));
  if (uffd < 0) return -errno;
  uffdio_api api{};
  api.api = UFFD_API;
  if (::ioctl(uffd, UFFDIO_API, &api) != 0) return -errno;
  w->region = ::mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (w->region == MAP_FAILED) return -errno;
  uffdio_register reg{};
  reg.range.start = reinterpret_cast<unsigned long>(w->region);
  reg.range.len = kPage;
  reg.mode = UFFDIO_REGISTER_MODE_MISSING;
  if (::ioctl(uffd, UFFDIO_REGISTER, &reg) != 0) return -errno;
  pid_t self = getpid();
  pid_t handler = fork();
  if (handler < 0) return -errno;
  if (handler == 0) run_handler(uffd, self);
  ::close(uffd);
  w->handler = handler;
  return handler;
}

/// In writer1, after go(): the write that faults. Once the fault is served (or the userfaultfd
/// released) it reaps the handler it forked.
int faulting_write(FaultingWriter* w) {
  ssize_t n = ::write(w->fd, w->region, kPage);
  ::kill(w->handler, SIGKILL);
  while (::waitpid(w->handler, nullptr, 0) < 0 && errno == EINTR) {
  }
  return n == static_cast<ssize_t>(kPage) ? 0 : 1;
}

}  // namespace

Result<std::unique_ptr<UffdWrite>> UffdWrite::start(UffdWriteOptions options) {
  std::unique_ptr<UffdWrite> hang(new UffdWrite(std::move(options)));
  Status built = hang->build();
  return started_or_cleaned(std::move(hang), built);
}

UffdWrite::~UffdWrite() { cleanup(); }

void UffdWrite::step(const std::string& line) const {
  if (options_.on_step) options_.on_step(line);
}

Status UffdWrite::build() {
  const Millis timeout = options_.step_timeout;
  const bool fifo = options_.target == UffdTarget::kFifo;
  auto dir = TempDir::create("uffd");
  if (!dir) return dir.error();
  dir_ = std::move(dir).value();
  target_name_ = fifo ? "fifo" : "f";
  target_path_ = dir_.track_file(target_name_);
  if (fifo) {
    if (::mkfifo(target_path_.c_str(), 0600) != 0) {
      return make_error(fmt::format("mkfifo {}: {}", target_path_, std::strerror(errno)));
    }
    fifo_reader_.reset(::open(target_path_.c_str(), O_RDWR | O_CLOEXEC));
  } else {
    fifo_reader_.reset(::open(target_path_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  }
  struct stat st {};
  if (!fifo_reader_.valid() || ::fstat(fifo_reader_.get(), &st) != 0) {
    return make_error(fmt::format("{}: {}", target_path_, std::strerror(errno)));
  }
  target_ino_ = st.st_ino;
  if (!fifo) fifo_reader_.reset();

  auto state = std::make_shared<FaultingWriter>();
  state->path = target_path_;
  auto w1 = Worker::start(
      "uffd_writer1", [state] { return prepare_faulting_writer(state.get()); },
      [state] { return faulting_write(state.get()); }, timeout);
  if (!w1) return w1.error();
  writer1_ = std::move(w1).value();
  handler_pid_ = static_cast<pid_t>(writer1_.prepared());
  kill_slot_ = emergency::add_kill(handler_pid_);
  step(
      fmt::format("uffd_writer1 pid {} registered a page with a userfaultfd held by "
                  "uffd_handler pid {}",
                  writer1_.pid(), handler_pid_));

  if (Status s = wait_for_task(handler_pid_, {"S", {}}, timeout); !s) return s;
  ::kill(handler_pid_, SIGSTOP);
  if (Status s = wait_for_task(handler_pid_, {"T", {}}, timeout); !s) return s;
  step(fmt::format("uffd_handler pid {} stopped (SIGSTOP)", handler_pid_));

  // writer2 opens first: opening a FIFO takes pipe->mutex too.
  std::string path = target_path_;
  auto fd = std::make_shared<int>(-1);
  auto w2 = Worker::start(
      "uffd_writer2",
      [path, fd]() -> long {
        *fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        return *fd < 0 ? -errno : 0;
      },
      [fd]() -> int { return ::write(*fd, "y", 1) == 1 ? 0 : 1; }, timeout);
  if (!w2) return w2.error();
  writer2_ = std::move(w2).value();
  if (Status s = writer1_.go(); !s) return s;
  if (Status s = wait_for_task(writer1_.pid(), {"SD", {"handle_userfault"}}, timeout); !s) {
    return make_error("writer1 did not fault into the userfaultfd: " + s.error().message);
  }
  step(fmt::format("uffd_writer1 pid {} waits in handle_userfault, holding the {} of {}",
                   writer1_.pid(), fifo ? "pipe mutex" : "i_rwsem", target_path_));

  if (Status s = writer2_.go(); !s) return s;
  // The callers of down_write()/mutex_lock() /proc names (it skips lock functions); wait for
  // the settled sleep, not the moment the rwsem slow path marks the task D while still spinning.
  const std::vector<std::string_view> lockers = {"ext4_buffered_write_iter",
                                                 "shmem_file_write_iter", "generic_file_write_iter",
                                                 "anon_pipe_write", "pipe_write"};
  if (Status s = wait_for_task(writer2_.pid(), {"D", lockers}, timeout); !s) {
    return make_error("writer2 did not block behind writer1: " + s.error().message);
  }
  step(fmt::format("uffd_writer2 pid {} blocked in {}", writer2_.pid(),
                   read_task_wchan(writer2_.pid())));
  return Unit{};
}

Status UffdWrite::cleanup() {
  if (cleaned_) return Unit{};
  CleanupErrors errors;
  const Millis reap_timeout(5000);
  // The handler is writer1's child: kill it (closing the last userfaultfd reference wakes the
  // fault, which is then served as an ordinary one) and let writer1 reap it.
  emergency::remove(std::exchange(kill_slot_, -1));
  if (handler_pid_ > 0) {
    ::kill(handler_pid_, SIGKILL);
    ::kill(handler_pid_, SIGCONT);
  }
  for (Worker* w : {&writer1_, &writer2_}) {
    if (w->process().running() && !w->process().wait(reap_timeout)) {
      errors.add(w->process().kill_and_reap(reap_timeout));
    }
  }
  if (handler_pid_ > 0) {
    // Reparented to init if writer1 died first: it dies anyway (PDEATHSIG); wait for that.
    Deadline deadline(reap_timeout);
    auto alive = [this] {
      auto st = read_task_stat(handler_pid_);
      return st.ok() && st->state != 'Z';
    };
    while (alive() && !deadline.expired()) ::usleep(2000);
    if (alive()) {
      errors.add(make_error("uffd handler left over: " + describe_task(handler_pid_)));
    }
  }
  fifo_reader_.reset();
  errors.add(dir_.remove());
  cleaned_ = !writer1_.process().running() && !writer2_.process().running();
  return errors.result();
}

}  // namespace hangscope::demo
