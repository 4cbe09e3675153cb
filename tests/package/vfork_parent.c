// vfork_parent: a task in D state on purpose, for tests of what lists D-state tasks (shell
// completion of `hangscope why`). It prints its pid, then vforks; the child never execs and
// waits in pause(), so the parent sleeps in D (the vfork-done wait, killable) until the child
// dies. The test kills the child, then the parent returns 0. Holds no lock anyone else needs.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("%d\n", (int)getpid());
  fflush(stdout);
  pid_t child = vfork();
  if (child == 0) {
    for (;;) pause();  // only a signal that kills the child ends this (SIGKILL from the test)
  }
  return child < 0 ? 1 : 0;
}
