#!/bin/bash
# Overhead of `hangscope watch` on a lock-contention storm (bench/watch_bench.cc), against no
# tracing and against perf's lock tracing, in the same run. Rounds are interleaved
# (base, hangscope, perf, base, ...) and medians compared.
#   bench/watch_bench.sh [BUILD_DIR]  env: MODE=fpos|mmap THREADS=4 SECS=4 ROUNDS=3 WORK=200 (fpos)
# Needs root. Prints ops/s for each setting, loss ratios, and the real contention event rate.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-watch}
hs=$build/hangscope
storm=$build/bench/watch_bench
mode=${MODE:-fpos}
threads=${THREADS:-4}
secs=${SECS:-4}
rounds=${ROUNDS:-3}
work=${WORK:-200}
tmp=$(mktemp -d /tmp/watch_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ "$(id -u)" = 0 ] || { echo "watch_bench: needs root" >&2; exit 2; }
[ -x "$hs" ] && [ -x "$storm" ] || { echo "watch_bench: build hangscope and bench/watch_bench in $build" >&2; exit 2; }

run_storm() { "$storm" "$threads" "$secs" "$mode" "$work" | awk '/ops_per_sec/ {print $2}'; }

# perf: BPF mode (-b) when built with BUILD_BPF_SKEL=1, else `perf lock record` (tracepoints to perf.data).
perf_mode=none
if command -v perf >/dev/null; then
  if perf lock contention -b -a -- true >/dev/null 2>&1; then perf_mode=bpf; else perf_mode=record; fi
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: >"$tmp/base"; : >"$tmp/hs"; : >"$tmp/perf"; : >"$tmp/events"; : >"$tmp/lost"
for r in $(seq "$rounds"); do
  run_storm >>"$tmp/base"

  "$hs" watch --json --threshold 10 --duration $((secs + 30)) >"$tmp/hs.out" 2>"$tmp/hs.err" &
  hpid=$!
  for _ in $(seq 100); do grep -q '"started"' "$tmp/hs.out" 2>/dev/null && break; sleep 0.05; done
  before=$(date +%s.%N)
  run_storm >>"$tmp/hs"
  after=$(date +%s.%N)
  kill -TERM $hpid; wait $hpid || true
  grep '"summary"' "$tmp/hs.out" | sed 's/.*"contention_events":\([0-9]*\).*/\1/' |
    awk -v t="$(awk -v a="$after" -v b="$before" 'BEGIN {print a - b}')" '{printf "%.0f\n", $1 / t}' >>"$tmp/events"
  grep '"summary"' "$tmp/hs.out" | sed 's/.*"lost_events":\([0-9]*\).*/\1/' >>"$tmp/lost"

  if [ "$perf_mode" = bpf ]; then
    perf lock contention -b -a -- sleep $((secs + 2)) >"$tmp/perf.out" 2>&1 &
  elif [ "$perf_mode" = record ]; then
    perf lock record -a -o "$tmp/perf.data" -- sleep $((secs + 2)) >"$tmp/perf.out" 2>&1 &
  fi
  if [ "$perf_mode" != none ]; then
    ppid=$!
    sleep 1
    run_storm >>"$tmp/perf"
    wait $ppid || true
    rm -f "$tmp/perf.data"
  fi
done

base=$(median <"$tmp/base"); with_hs=$(median <"$tmp/hs")
echo "storm: $mode (work $work), $threads threads, $secs s x $rounds rounds (medians, ops/s)"
echo "  no tracing:          $base   (runs: $(tr '\n' ' ' <"$tmp/base"))"
echo "  hangscope watch:     $with_hs   (runs: $(tr '\n' ' ' <"$tmp/hs"))"
awk -v b="$base" -v h="$with_hs" 'BEGIN {printf "  hangscope loss:      %.1f%%\n", 100 * (1 - h / b)}'
echo "  contention events/s seen by hangscope: $(median <"$tmp/events") (runs: $(tr '\n' ' ' <"$tmp/events")); lost events: $(tr '\n' ' ' <"$tmp/lost")"
if [ "$perf_mode" != none ]; then
  with_perf=$(median <"$tmp/perf")
  [ "$perf_mode" = record ] && echo "  (perf lock contention -b is unavailable: Debian's perf is built without BUILD_BPF_SKEL; compared to perf lock record -a)"
  echo "  perf lock $([ "$perf_mode" = bpf ] && echo "contention -b -a" || echo "record -a"): $with_perf   (runs: $(tr '\n' ' ' <"$tmp/perf"))"
  awk -v b="$base" -v p="$with_perf" 'BEGIN {printf "  perf loss:           %.1f%%\n", 100 * (1 - p / b)}'
  grep -h -i "lost\|captured" "$tmp/perf.out" 2>/dev/null | head -3 | sed 's/^/  perf: /' || true
else
  echo "  perf: not installed"
fi
