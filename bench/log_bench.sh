#!/usr/bin/env bash
# Throughput of `hangscope log --titles` against `grep -c BUG` on the same >= 256 MiB log, built
# by concatenating the shared corpus logs; both timed in this run (best of 3, warm page cache).
# Also checks that max RSS does not grow with the input size (64 MiB vs 256 MiB).
# That input is the worst case (87% report lines). A second, "mixed" input of the same size is
# realistic: real ordinary kernel log lines (this machine's dmesg, the non-report lines of the
# shared dmesg files and the corpus console lines before their first report) with one corpus
# report every ~2,000 lines; its title count must equal the number of reports inserted.
# Usage: bench/log_bench.sh [BUILD_DIR] [MiB]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
mib=${2:-256}
bin=$build/hangscope
shared=${HANGSCOPE_TESTDATA_DIR:-$here/tests/data}
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

# ---- Mixed input: ordinary kernel log lines with rare reports --------------------------------
# Lines that belong to a report (headers, registers, frames, lock dumps, blocker lines...) are
# kept out of the ordinary pool; the pool alone must give no title.
report_line='BUG|WARNING|INFO:|Oops|[Pp]anic|general protection|KASAN|KMSAN|KFENCE|KCSAN|UBSAN'
report_line+='|[Uu]nable to handle|possible (recursive|circular|irq)|deadlock|lockup|rcu_(preempt|sched)'
report_line+='|stall|blocked (for|on|in)|likely (owned|last held)|owner is not found|locks? held'
report_line+='|lockdep|Call [Tt]race|</?(TASK|IRQ|NMI|EOI)>|RIP:|RSP:|Code:|unreferenced object|====='
report_line+='|cut here|end trace|Kernel Offset|Showing|task:|[Tt]ainted|hung_task|Hardware name'
report_line+='|Modules linked|[+]0x[0-9a-f]+/0x[0-9a-f]+|: [0-9a-f]{8,16} [0-9a-f]{8,16}|#[0-9]+: '
report_line+='|^(\[[^]]*\] *)*(R[0-9A-Z]+|[CDEFGS]S|CR[0-4]|DR[0-7]|PKRU|EFLAGS|ORIG_RAX)[: ]'
report_line+='|Sending NMI|NMI backtrace|Workqueue:|CPU: [0-9]+ (UID|PID)|Freed by|Allocated by'
report_line+='|Memory state|buggy address|page:|raw: |flags: |Disabling lock debugging|^ *[?] '
# hs_log ARGS...: `hangscope log` where exit 1 (reports found) is success.
hs_log() { "$bin" log "$@" || [ $? -eq 1 ]; }
pool=$work/ordinary.log
reports=$work/reports.log   # chunks, each after a line "@@chunk@@"
expected=$work/expected.titles
: > "$pool.raw"
: > "$reports"
: > "$expected"
{ dmesg 2> /dev/null || true; cat "$shared"/hangs-6.18/*.dmesg "$shared"/seed-case/*.dmesg; } >> "$pool.raw"
# Each corpus log: its lines before the first report go to the pool (a log with no report and
# no expected title is all console), the rest is a report chunk if it alone gives one title.
one=$work/one.log
for f in "$shared"/syzkaller/linux/report/*; do
  sed '1,/^$/d' "$f" > "$one"
  # The first report's "line" (report objects are the only ones with that key in `log --json`).
  first=$(hs_log --json "$one" | awk '{ if (match($0, /"reports":\[/)) { s = substr($0, RSTART)
    if (match(s, /"line":[0-9]+/)) { print substr(s, RSTART + 7, RLENGTH - 7); exit } } }')
  first=${first:-0}
  if [ "$first" = 0 ]; then
    head -1 "$f" | grep -q '^TITLE:' || cat "$one" >> "$pool.raw"
    continue
  fi
  head -n $(( first - 1 )) "$one" >> "$pool.raw"
  tail -n +"$first" "$one" > "$one.chunk"
  hs_log --titles "$one.chunk" > "$one.titles"
  [ "$(wc -l < "$one.titles")" = 1 ] || continue
  cat "$one.titles" >> "$expected"
  { echo "@@chunk@@"; cat "$one.chunk"; } >> "$reports"
done
grep -avE "$report_line" "$pool.raw" | tr -d '\r' | grep -av '^@@chunk@@$' > "$pool" || true
pool_titles=$(hs_log --titles "$pool" | wc -l)
if [ "$pool_titles" != 0 ]; then
  echo "log_bench: the ordinary-line pool alone gives $pool_titles titles (report lines leaked in)" >&2
  exit 1
fi
# Round robin over pool lines and report chunks: 1,000..3,000 ordinary lines (2,000 on average,
# a fixed sequence) before each report, until the size is reached; ends with ordinary lines.
mixed=$work/mixed.log
mixed_expected=$work/mixed.expected
awk -v want=$(( mib * 1024 * 1024 )) -v pool="$pool" -v titles="$expected" -v out="$mixed" \
    -v exp_out="$mixed_expected" '
  BEGIN {
    while ((getline l < pool) > 0) p[np++] = l
    while ((getline l < titles) > 0) t[nt++] = l
  }
  $0 == "@@chunk@@" { nc++; next }
  { c[nc - 1] = c[nc - 1] $0 "\n" }
  END {
    if (np == 0 || nc == 0 || nc != nt) { print "log_bench: no pool or chunks" > "/dev/stderr"; exit 1 }
    size = 0; k = 0; i = 0
    while (1) {
      gap = 1000 + (k * 7919) % 2001
      for (g = 0; g < gap; g++) { l = p[i]; i = (i + 1) % np; print l > out; size += length(l) + 1 }
      if (size >= want) break
      printf "%s", c[k % nc] > out; size += length(c[k % nc])
      print t[k % nc] > exp_out
      k++
    }
    close(exp_out)
  }' "$reports"
[ -s "$mixed_expected" ] || { echo "log_bench: mixed input has no report" >&2; exit 1; }
msize=$(stat -c %s "$mixed")
inserted=$(wc -l < "$mixed_expected")
cat "$mixed" > /dev/null
hs_log --titles "$mixed" > "$work/mixed.titles"
printed=$(wc -l < "$work/mixed.titles")
differ=$(diff "$work/mixed.titles" "$mixed_expected" | grep -c '^>' || true)
set +e
read -r mc_hs mw_hs < <(best "$bin" log --titles "$mixed")
read -r mc_grep mw_grep < <(best_per_run 10 grep -c BUG "$mixed")
set -e
msbs() { echo "$msize $1" | awk '{t=($2>0.005)?$2:0.005; printf "%.0f", $1/1048576/t}'; }
echo
echo "mixed input: $(( msize / 1048576 )) MiB ($(wc -l < "$mixed") lines; ordinary pool $(wc -l < "$pool") lines; $inserted reports inserted, from $(wc -l < "$expected") corpus reports)"
echo "mixed hangscope log --titles: $(msbs "$mc_hs") MB/s CPU (${mc_hs} s), wall ${mw_hs} s"
echo "mixed grep -c BUG:            $(msbs "$mc_grep") MB/s CPU (${mc_grep} s per run, 10 runs timed), wall ${mw_grep} s"
echo "mixed ratio (hangscope/grep): $(echo "$mc_grep $mc_hs" | awk '{g=($1>0.005)?$1:0.005; h=($2>0.005)?$2:0.005; printf "%.3f", g/h}') by CPU time, $(echo "$mw_grep $mw_hs" | awk '{printf "%.3f", $1/$2}') by wall time (goal >= 0.5)"
echo "mixed titles printed: $printed, reports inserted: $inserted ($differ titles differ from the report's own title)"
if [ "$printed" != "$inserted" ]; then
  echo "log_bench: mixed input: --titles printed $printed titles for $inserted inserted reports" >&2
  exit 1
fi
