#!/bin/sh
# Issue 7 scenario 4 (guest side): function_graph traces of sync(2) before and after the leak of a
# tmpfs s_umount, then `hangscope ftrace diff GOOD BAD` and `hangscope ftrace stuck BAD`.
# 6.1 runs function_graph only in the top-level tracefs instance, where `hangscope ftrace record`
# does not go (it uses its own instance): the record attempt is kept for its error message, and
# the traces are taken by hand. The tracer is enabled once, before the Oops: enabling it again
# after the Oops gave soft lockups in this guest (README "Known gaps").
set -u
out=/out
T=/sys/kernel/tracing
hs() { echo "+ hangscope $*" >&2; /bin/hangscope "$@"; }

mkdir -p /mnt/leak && mount -t tmpfs -o size=4m leak /mnt/leak || exit 10

hs ftrace record -G ksys_sync --timeout 20 -o $out/record.trace -- sync >$out/record.txt 2>&1
echo $? >$out/record.rc

echo ksys_sync >$T/set_graph_function || exit 11
echo 2048 >$T/buffer_size_kb
echo function_graph >$T/current_tracer || exit 12
echo >$T/trace
echo 1 >$T/tracing_on
sync
echo 0 >$T/tracing_on
cat $T/trace >$out/good.trace
echo >$T/trace

insmod /leak_s_umount.ko path=/mnt/leak
echo $? >$out/insmod.rc
echo 1 >$T/tracing_on
sync &
sync_pid=$!
echo $sync_pid >$out/sync.pid
i=0
while [ "$(cut -d' ' -f3 /proc/$sync_pid/stat)" != D ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
echo 0 >$T/tracing_on
cat $T/trace >$out/bad.trace
cut -d' ' -f3 /proc/$sync_pid/stat >$out/sync.state

hs ftrace diff $out/good.trace $out/bad.trace --json >$out/diff.json 2>$out/diff.err
echo $? >$out/diff.rc
hs ftrace diff $out/good.trace $out/bad.trace >$out/diff.txt 2>&1
hs ftrace stuck $out/bad.trace --json >$out/stuck.json 2>$out/stuck.err
echo $? >$out/stuck.rc
hs ftrace stuck $out/bad.trace >$out/stuck.txt 2>&1
exit 0
