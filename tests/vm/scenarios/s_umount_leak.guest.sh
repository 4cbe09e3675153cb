#!/bin/sh
# Scenario 1 (guest side): the seed case's mechanism for real. A module takes the s_umount of a
# tmpfs super_block for write and Oopses; insmod dies holding it; sync blocks in iterate_supers.
# Then hangscope explains the blocked sync (live scan) and the kernel log. Everything goes to /out.
set -u
out=/out
hs() { echo "+ hangscope $*" >&2; /bin/hangscope "$@"; }

mkdir -p /mnt/leak && mount -t tmpfs -o size=4m leak /mnt/leak || exit 10
echo hello >/mnt/leak/file
grep ' /mnt/leak ' /proc/self/mountinfo >$out/leak.mountinfo

# Before the leak: sync returns (also a sanity check of the guest).
sync || exit 11

variant=reaped
for arg in $(cat /proc/cmdline); do
  case "$arg" in hs.variant=*) variant="${arg#hs.variant=}" ;; esac
done
echo $variant >$out/variant
if [ $variant = zombie ]; then
  # The owner stays a zombie: its parent (sh exec'd into sleep) never waits for it.
  sh -c 'insmod /leak_s_umount.ko path=/mnt/leak & echo $! >/out/insmod.pid; exec sleep 100000' &
  i=0
  while [ $i -lt 100 ]; do
    [ -s $out/insmod.pid ] && [ "$(cut -d' ' -f3 /proc/$(cat $out/insmod.pid)/stat 2>/dev/null)" = Z ] && break
    sleep 0.1
    i=$((i + 1))
  done
  insmod_pid=$(cat $out/insmod.pid)
  cut -d' ' -f3 /proc/$insmod_pid/stat >$out/insmod.state 2>&1
  # Exit status of a zombie: /proc/PID/stat field 52 (exit_code, as waitpid would report it).
  code=$(cut -d' ' -f52 /proc/$insmod_pid/stat)
  echo $((code & 0x7f ? 128 + (code & 0x7f) : code >> 8)) >$out/insmod.rc
else
  # The owner is reaped: its task_struct is freed (and may be reused by the next fork).
  insmod /leak_s_umount.ko path=/mnt/leak &
  insmod_pid=$!
  wait $insmod_pid
  echo $? >$out/insmod.rc
  echo $insmod_pid >$out/insmod.pid
fi
cat /proc/sys/kernel/tainted >$out/tainted

sync &
sync_pid=$!
echo $sync_pid >$out/sync.pid
state=?
i=0
while [ $i -lt 100 ]; do
  state=$(cut -d' ' -f3 /proc/$sync_pid/stat 2>/dev/null)
  [ "$state" = D ] && break
  sleep 0.1
  i=$((i + 1))
done
echo "$state" >$out/sync.state
cat /proc/$sync_pid/stack >$out/sync.stack 2>&1
pidof sync >$out/pidof.sync

# 1. As booted: fuse.ko not loaded (the cloud kernel builds FUSE as a module).
hs why $(pidof sync) --json >$out/why-nofuse.json 2>$out/why-nofuse.err
echo $? >$out/why-nofuse.rc
# 2. With fuse.ko loaded, as on most machines that use FUSE.
insmod /lib/modules/fuse.ko 2>$out/fuse.err && echo loaded >$out/fuse.state
t0=$(cut -d' ' -f1 /proc/uptime)
hs why $(pidof sync) --json --save $out/why.snapshot.json >$out/why.json 2>$out/why.err
echo $? >$out/why.rc
t1=$(cut -d' ' -f1 /proc/uptime)
echo "$t0 $t1" >$out/why.uptimes
hs why $(pidof sync) >$out/why.txt 2>&1
# 3. The kernel log before and after a sysrq-w dump of the blocked tasks (the hung-task detector
#    stays silent after an Oops: taint D).
hs log --kernel --json >$out/log.json 2>$out/log.err
echo $? >$out/log.rc
echo w >/proc/sysrq-trigger
sleep 0.5
hs log --kernel --json >$out/log-sysrq.json 2>$out/log-sysrq.err
echo $? >$out/log-sysrq.rc
hs log --kernel >$out/log-sysrq.txt 2>&1

exit 0
