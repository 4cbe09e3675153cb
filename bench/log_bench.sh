#!/usr/bin/env bash
# Throughput of `hangscope log --titles` against `grep -c BUG` on the same >= 256 MiB log, built
# by concatenating the shared corpus logs; both timed in this run (best of 3, warm page cache).
# Also checks that max RSS does not grow with the input size (64 MiB vs 256 MiB).
# Usage: bench/log_bench.sh [BUILD_DIR] [MiB]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
mib=${2:-256}
bin=$build/hangscope
shared=${HANGSCOPE_SHARED_DIR:-$here/../shared}
[ -x "$bin" ] || { echo "log_bench: $bin not built" >&2; exit 2; }
work=$(mktemp -d /tmp/hangscope-log-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# One copy of every corpus log (the syzkaller files without their headers), then doubling.
unit=$work/unit.log
for f in "$shared"/syzkaller/linux/report/*; do sed '1,/^$/d' "$f"; done > "$unit"
cat "$shared"/seed-case/*.dmesg "$shared"/hangs-6.18/*.dmesg >> "$unit"
build_log() {  # build_log OUT MIB
  local out=$1 want=$(( $2 * 1024 * 1024 ))
  cp "$unit" "$out"
  while [ "$(stat -c %s "$out")" -lt "$want" ]; do cat "$out" "$out" > "$out.2"; mv "$out.2" "$out"; done
}
big=$work/big.log
small=$work/small.log
build_log "$big" "$mib"
build_log "$small" $(( mib / 4 ))
size=$(stat -c %s "$big")
cat "$big" > /dev/null

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
# best_per_run N CMD...: like best, for a command run N times in a row, per run (grep and wc
# take a few 10 ms ticks here: one run is near the timer's resolution). Output goes to a file:
# GNU grep stops at the first match when its output is /dev/null.
best_per_run() {
  local n=$1
  shift
  read -r c w < <(best sh -c 'n=$1; o=$2; shift 2; i=0; while [ $i -lt $n ]; do "$@" > "$o"; i=$((i + 1)); done' sh "$n" "$work/out.rep" "$@")
  echo "$c $w" | awk -v n="$n" '{printf "%.4f %.4f\n", $1 / n, $2 / n}'
}
mbs() { echo "$size $1" | awk '{t=($2>0.005)?$2:0.005; printf "%.0f", $1/1048576/t}'; }
set +e
read -r c_hs w_hs < <(best "$bin" log --titles "$big")
read -r c_grep w_grep < <(best_per_run 10 grep -c BUG "$big")
read -r c_full w_full < <(best "$bin" log "$big")
read -r c_wc w_wc < <(best_per_run 10 wc -l "$big")
set -e
echo "input: $(( size / 1048576 )) MiB ($(wc -l < "$big") lines, $("$bin" log --titles "$big" | wc -l) reports)"
echo "hangscope log --titles: $(mbs "$c_hs") MB/s CPU (${c_hs} s), wall ${w_hs} s"
echo "grep -c BUG:            $(mbs "$c_grep") MB/s CPU (${c_grep} s per run, 10 runs timed), wall ${w_grep} s"
echo "ratio (hangscope/grep): $(echo "$c_grep $c_hs" | awk '{g=($1>0.005)?$1:0.005; printf "%.3f", g/$2}') by CPU time, $(echo "$w_grep $w_hs" | awk '{printf "%.3f", $1/$2}') by wall time (goal >= 0.5)"
echo "hangscope log (full analysis): $(mbs "$c_full") MB/s CPU (${c_full} s)"
# A floor for any tool that looks at every line: counting them.
echo "wc -l (line counting only):    $(mbs "$c_wc") MB/s CPU (${c_wc} s), ratio to grep $(echo "$c_grep $c_wc" | awk '{g=($1>0.005)?$1:0.005; w=($2>0.005)?$2:0.005; printf "%.3f", g/w}')"

rss() {  # max RSS in KiB of `hangscope log --titles FILE`
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$bin" log --titles "$1" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'
  else
    python3 -c 'import resource,subprocess,sys; subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$bin" log --titles "$1"
  fi
}
echo "max RSS: $(rss "$small") KiB on $(( $(stat -c %s "$small") / 1048576 )) MiB, $(rss "$big") KiB on $(( size / 1048576 )) MiB"
echo "max RSS of the full analysis: $(/usr/bin/time -v "$bin" log "$big" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}') KiB on $(( size / 1048576 )) MiB"
