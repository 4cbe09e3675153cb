#!/bin/sh
# Issue 7 scenario 3 (guest side): the live fixtures of src/demo on the 6.1 guest, which has no
# task_struct.blocker, so hangscope must find every lock by its fallback recovery. hs_vm_fixtures
# builds them (variant: `all`, or fixture names joined by '+', e.g. hs.variant=seed+frozen),
# then hangscope scan and why run against them; then the fixtures are released and cleaned up.
# Every wait is bounded: hangscope runs under `timeout`, the fixture helper holds at most 80 s.
set -u
out=/out
hs() { echo "+ hangscope $*" >&2; timeout -s KILL 60 /bin/hangscope "$@" </dev/null; }

variant=all
for arg in $(cat /proc/cmdline); do
  case "$arg" in hs.variant=*) variant="${arg#hs.variant=}" ;; esac
done
list="seed fusewrite frozen uffd_file uffd_fifo"
[ "$variant" = all ] || list=$(echo "$variant" | tr + ' ')
echo "$list" >$out/variant

for m in fuse loop; do
  for f in $(cat /lib/modules/$m.order); do
    insmod /lib/modules/$f 2>>$out/insmod.err || echo "insmod $f failed" >>$out/insmod.err
  done
done

# exited PID SECONDS: waits (bounded) until PID, a child of this shell, has exited; reaps it and
# prints its status, or prints "running" when it is still there after SECONDS.
exited() {
  i=0
  while [ $i -lt $(($2 * 10)) ]; do
    s=$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f1)
    [ -z "$s" ] || [ "$s" = Z ] && break
    sleep 0.1
    i=$((i + 1))
  done
  if [ -z "$s" ] || [ "$s" = Z ]; then
    wait $1
    echo $?
  else
    echo running
  fi
}

t0=$(cut -d' ' -f1 /proc/uptime)
/bin/hs_vm_fixtures --hangfs /bin/hangfs --out $out --release /tmp/hs-release --hold 80 $list \
  2>$out/fixtures.log &
fx=$!
i=0
while [ ! -e $out/fixtures.json ] && [ $i -lt 800 ]; do
  [ -e /proc/$fx ] || break
  sleep 0.1
  i=$((i + 1))
done
[ -e $out/fixtures.json ] || { echo "no fixtures.json (helper: $(exited $fx 1))"; exit 10; }
echo "fixtures up in $(awk -v a="$t0" '{print $1 - a}' /proc/uptime) s" >$out/fixtures.time
sleep 2 # hangscope scan reports tasks stuck >= 1 s

# What the kernel shows for each task of each chain (the stuck ones and the others: daemons,
# kernel workers, tracers), and every task's state.
while read -r role pid; do
  sed 's/.*) //' /proc/$pid/stat | cut -d' ' -f1 >$out/task-$role.state
  cat /proc/$pid/stat >$out/task-$role.stat
  cat /proc/$pid/wchan >$out/task-$role.wchan 2>&1
  cat /proc/$pid/stack >$out/task-$role.stack 2>&1
  grep -E '^(State|TracerPid):' /proc/$pid/status >$out/task-$role.status 2>&1
  cat /proc/$pid/cgroup >$out/task-$role.cgroup 2>&1
done <$out/tasks.txt
# The stacked devices' state as /sys shows it.
for d in /sys/block/loop*; do
  [ -e $d/loop/backing_file ] || continue
  echo "${d##*/} backing=$(cat $d/loop/backing_file) inflight=$(echo $(cat $d/inflight)) nr_requests=$(cat $d/queue/nr_requests)"
done >$out/loops.txt 2>&1
for c in /sys/fs/fuse/connections/*; do
  [ -e $c/waiting ] && echo "${c##*/} waiting=$(cat $c/waiting)"
done >$out/fuse-connections.txt 2>&1
for d in /proc/[0-9]*; do
  echo "${d#/proc/} $(sed 's/.*) //' $d/stat | cut -d' ' -f1) $(cat $d/comm) $(cat $d/wchan)"
done >$out/ps.txt 2>/dev/null

# The two clocks hangscope compares to tell a reused owner task_struct (owner's start_time:
# ktime; waiter's sched_info.last_arrival: sched_clock): printk stamps use the latter.
cat /proc/uptime >$out/clock-uptime-before
echo "hs-vm: clock mark" >/dev/kmsg
cat /proc/uptime >$out/clock-uptime-after

hs scan --json --save $out/snap-scan.json >$out/scan.json 2>$out/scan.err
echo $? >$out/scan.rc
hs scan >$out/scan.txt 2>&1
while read -r role pid; do
  hs why $pid --json --save $out/snap-$role.json >$out/why-$role.json 2>$out/why-$role.err
  echo $? >$out/why-$role.rc
done <$out/stuck.txt
hs scan --no-bpf --json >$out/scan-nobpf.json 2>$out/scan-nobpf.err
echo $? >$out/scan-nobpf.rc

touch /tmp/hs-release
exited $fx 60 >$out/fixtures.rc
exit 0
