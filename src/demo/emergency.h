// Emergency release of every hang the fixtures made, callable from a signal handler (Ctrl-C).
// Each fixture registers, as soon as it exists, the action that undoes its hang: write 1 to a FUSE
// connection's abort knob, FITHAW a frozen filesystem, SIGKILL a stopped daemon or handler.
// release_all() runs them with async-signal-safe calls only; the fixtures' normal cleanup() then
// reaps, unmounts and detaches.
#pragma once

#include <sys/types.h>

namespace hangscope::demo::emergency {

/// Registers "write 1 to `path`" (a FUSE abort knob). Returns a slot for remove(), or -1 when the
/// table (64 slots) is full or the path is longer than 255 bytes.
int add_abort_knob(const char* path);
/// Registers "ioctl(fd, FITHAW)" for a filesystem frozen through `fd`. Returns a slot or -1.
int add_thaw(int fd);
/// Registers "SIGKILL + SIGCONT pid". Returns a slot or -1.
int add_kill(pid_t pid);
/// Forgets a slot (no-op for -1).
void remove(int slot);

/// Runs every registered action: abort knobs and thaws first, then kills. Async-signal-safe.
/// Leaves the registrations in place (running them twice is harmless).
void release_all();

/// Installs SIGINT, SIGTERM and SIGHUP handlers that call release_all() and record the signal.
/// With `reraise`, the handler then restores the default action and re-raises (the process
/// dies with that signal); without, the program continues and should check interrupted().
void install_signal_handlers(bool reraise);

/// The signal that arrived since install_signal_handlers(), or 0.
int interrupted();

}  // namespace hangscope::demo::emergency
