#!/bin/sh
# Issue 7 scenario 2 (guest side): a module-owned mutex and rw-semaphore, taken for good by a live
# task (via debugfs writes) that then sleeps in user space; two readers block on them in D.
# hangscope why explains each reader. fuse.ko is loaded first (README "Known gaps": no-bpf).
set -u
out=/out
D=/sys/kernel/debug/hs_locks
hs() { echo "+ hangscope $*" >&2; /bin/hangscope "$@"; }

insmod /hs_locks.ko || exit 10
insmod /lib/modules/fuse.ko 2>$out/fuse.err
sh -c "echo 1 >$D/hold_mutex && echo 1 >$D/hold_rwsem && echo \$\$ >$out/holder.pid.tmp && mv $out/holder.pid.tmp $out/holder.pid && exec sleep 100000" &
i=0
while [ ! -s $out/holder.pid ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s $out/holder.pid ] || exit 11
cat $D/mutex &
echo $! >$out/mutex_waiter.pid
cat $D/rwsem &
echo $! >$out/rwsem_waiter.pid
for w in mutex rwsem; do
  p=$(cat $out/${w}_waiter.pid)
  i=0
  while [ "$(cut -d' ' -f3 /proc/$p/stat)" != D ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  cut -d' ' -f3 /proc/$p/stat >$out/${w}_waiter.state
done
cut -d' ' -f3 /proc/$(cat $out/holder.pid)/stat >$out/holder.state
for w in mutex rwsem; do
  p=$(cat $out/${w}_waiter.pid)
  hs why $p --json --save $out/snap-$w.json >$out/why-$w.json 2>$out/why-$w.err
  hs why $p >$out/why-$w.txt 2>&1
done
exit 0
