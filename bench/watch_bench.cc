// A lock-contention storm for bench/watch_bench.sh: THREADS threads of one process mmap, touch
// and munmap a small region in a loop for SECONDS, contending on the process's mmap_lock.
// Mode "fpos": the threads lseek() one shared file instead, contending on its f_pos_lock mutex
// (a much higher contention rate: every slowpath entry, spinning included, is an event);
// WORK busy-loop iterations between lseeks bring the rate down to a chosen level.
// Prints "ops_per_sec N" (loop iterations per second, all threads).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

static volatile unsigned sink;

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 8;
  double seconds = argc > 2 ? std::atof(argv[2]) : 5;
  bool fpos = argc > 3 && std::strcmp(argv[3], "fpos") == 0;
  int work = argc > 4 ? std::atoi(argv[4]) : 0;  // busy iterations between lseeks (fpos)
  if (threads < 1 || threads > 1024 || !(seconds > 0 && seconds < 3600) ||
      (argc > 3 && !fpos && std::strcmp(argv[3], "mmap") != 0)) {
    std::fprintf(stderr, "usage: watch_bench [THREADS 1..1024] [SECONDS] [mmap|fpos] [WORK]\n");
    return 2;
  }
  char path[] = "/tmp/watch_benchXXXXXX";
  int fd = fpos ? mkstemp(path) : -1;
  if (fpos && fd < 0) {
    std::perror("watch_bench: mkstemp");
    return 2;
  }
  if (fpos) unlink(path);
  std::atomic<bool> stop{false};
  std::vector<unsigned long long> ops(static_cast<std::size_t>(threads) * 8, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      unsigned long long n = 0;
      while (fpos && !stop.load(std::memory_order_relaxed)) {
        lseek(fd, 0, SEEK_CUR);  // fdget_pos: f_pos_lock, the file being shared by threads
        for (int k = 0; k < work; ++k) sink = sink + static_cast<unsigned>(k);
        ++n;
      }
      while (!fpos && !stop.load(std::memory_order_relaxed)) {
        void* p =
            mmap(nullptr, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) continue;
        static_cast<volatile char*>(p)[0] = 1;
        munmap(p, 4 * 4096);
        ++n;
      }
      ops[static_cast<std::size_t>(t) * 8] = n;
    });
  }
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  unsigned long long total = 0;
  for (int t = 0; t < threads; ++t) total += ops[static_cast<std::size_t>(t) * 8];
  std::printf("ops_per_sec %.0f\n", static_cast<double>(total) / wall);
  return 0;
}
