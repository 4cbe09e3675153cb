// sleepers N: starts N threads that sleep in the kernel (blocked pipe read, state S), prints
// "ready" and waits until stdin closes. Used by bench/scan_bench.sh.
#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
int g_pipe[2];
void* sleeper(void*) {
  char c;
  while (read(g_pipe[0], &c, 1) < 0) {
  }
  return nullptr;
}
}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  if (pipe(g_pipe) != 0) return 2;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  std::vector<pthread_t> ts(n);
  for (int i = 0; i < n; ++i) {
    if (pthread_create(&ts[i], &attr, sleeper, nullptr) != 0) {
      std::fprintf(stderr, "sleepers: only %d threads\n", i);
      return 2;
    }
  }
  std::printf("ready\n");
  std::fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;  // exiting ends every thread
}
