#!/usr/bin/env bash
# Latency of `hangscope why <sync pid>` on the seed-shaped hang (stopped FUSE daemon, umount in
# FUSE DESTROY holding s_umount, sync stuck in super_lock): wall time from start to the printed
# chain, N runs, median, against a baseline in the same run that only reads what a person would
# look at first (`cat /proc/PID/stack` + `cat /proc/PID/wchan` of the stuck sync).
# The hang is made (and undone) by `hangscope demo --hold`. Needs root.
# Usage: bench/seed_bench.sh [BUILD_DIR] [N]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-20}
bin=$build/hangscope
[ -x "$bin" ] || { echo "seed_bench: $bin not built" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "seed_bench: needs root (it builds a real hang)" >&2; exit 2; }
work=$(mktemp -d /tmp/hangscope-seed-bench.XXXXXX)
demo_pid=""
finish() {
  if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -INT "$demo_pid"  # the demo releases the hang and cleans up on SIGINT
    for _ in $(seq 100); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap finish EXIT

"$bin" demo --hold 600 > "$work/demo.out" 2>&1 &
demo_pid=$!
for _ in $(seq 300); do  # bounded: 30 s for the hang to be built and diagnosed once
  grep -q "holding the hang" "$work/demo.out" && break
  kill -0 "$demo_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "holding the hang" "$work/demo.out" || { echo "seed_bench: demo failed:" >&2; cat "$work/demo.out" >&2; exit 2; }
sync_pid=$(sed -n 's/^demo: sync pid \([0-9]*\) blocked.*/\1/p' "$work/demo.out")
[ -n "$sync_pid" ] || { echo "seed_bench: no sync pid in the demo output" >&2; exit 2; }

ms_now() { echo "${EPOCHREALTIME/./}"; }  # microseconds
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m/1000}'; }
: > "$work/why.us"; : > "$work/base.us"
for _ in $(seq "$runs"); do  # interleaved, so both see the same machine state
  t0=$(ms_now); "$bin" why "$sync_pid" > "$work/why.txt" 2>&1 || true; t1=$(ms_now)
  grep -q "root cause:" "$work/why.txt" || { echo "seed_bench: why printed no chain:" >&2; cat "$work/why.txt" >&2; exit 2; }
  echo $((t1 - t0)) >> "$work/why.us"
  t0=$(ms_now); cat "/proc/$sync_pid/stack" "/proc/$sync_pid/wchan" > "$work/base.txt"; t1=$(ms_now)
  echo $((t1 - t0)) >> "$work/base.us"
done
why_ms=$(median < "$work/why.us")
base_ms=$(median < "$work/base.us")
echo "seed hang: sync pid $sync_pid, $runs runs each"
echo "hangscope why (whole chain, root cause, remedy): median $why_ms ms"
echo "baseline cat /proc/PID/stack + wchan (one task, no chain): median $base_ms ms"
echo "ratio why/baseline: $(echo "$why_ms $base_ms" | awk '{printf "%.1f", $1/$2}') (goal: why < 1000 ms)"
