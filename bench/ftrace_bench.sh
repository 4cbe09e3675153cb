#!/usr/bin/env bash
# Throughput of `hangscope ftrace stuck` (and `ftrace diff`) against `wc -l` on the same
# generated >= 256 MiB function_graph trace (tracefs format: abs time, CPU, TASK-PID, durations,
# interrupts, 2 tasks, depth up to 12), all timed in this run (best of 3, warm page cache).
# Also shows that max RSS does not grow with the input (64 MiB vs full size), and what `diff`
# keeps for a worst-case GOOD whose every call path is new (bounded by ContextTree::kMaxNodes).
# Usage: bench/ftrace_bench.sh [BUILD_DIR] [MiB]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
mib=${2:-256}
bin=$build/hangscope
[ -x "$bin" ] || { echo "ftrace_bench: $bin not built" >&2; exit 2; }
work=$(mktemp -d /tmp/hangscope-ftrace-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

gen() {  # gen OUT MIB: repeated sync-like call trees, ending inside down_read -> schedule
  python3 - "$1" "$2" <<'PY'
import sys
out, mib = sys.argv[1], int(sys.argv[2])
ts = [1000.0]
def line(task, depth, text, dur=None):
    ts[0] += 0.0000007
    col = f"  {dur:6.3f} us    |  " if dur is not None else "               |  "
    return f" {ts[0]:11.6f} |   1)  {task:^12} |{col}{'  ' * depth}{text}\n"
def block(task):
    s = [line(task, 0, "ksys_sync() {"), line(task, 1, "iterate_supers() {")]
    for sb in range(40):
        s += [line(task, 2, "_raw_spin_lock();", 0.1), line(task, 2, "down_read() {"),
              line(task, 3, "_cond_resched() {"), line(task, 4, "rcu_all_qs();", 0.1),
              line(task, 3, "}", 0.4), line(task, 2, "}", 0.9),
              line(task, 2, "sync_inodes_one_sb() {"), line(task, 3, "sync_inodes_sb() {")]
        d = 4
        for k in range(8):  # a deeper chain
            s.append(line(task, d, f"writeback_level_{k}() {{")); d += 1
        if sb % 7 == 3:
            s += [" 1000.000000 |   1)  %s |   ==========> |\n" % f"{task:^12}",
                  line(task, d, "smp_apic_timer_interrupt() {"), line(task, d + 1, "irq_enter();", 0.3),
                  line(task, d, "}", 2.1), " 1000.000000 |   1)  %s |   <========== |\n" % f"{task:^12}"]
        s += [line(task, d, "mutex_lock();", 0.12), line(task, d, "mutex_unlock();", 0.11)]
        for k in range(8):
            d -= 1; s.append(line(task, d, f"}} /* writeback_level_{7 - k} */", 3.0 + k))
        s += [line(task, 3, "}", 12.0), line(task, 2, "}", 13.5), line(task, 2, "up_read();", 0.2),
              line(task, 2, "__put_super();", 0.2)]
    s += [line(task, 1, "}", 900.0), line(task, 0, "}", 950.0)]
    return "".join(s)
want = mib * 1024 * 1024
with open(out, "w") as f:
    f.write("# tracer: function_graph\n#\n")
    n = 0
    while n < want:
        b = block("sync-2201") + block("kworker-77")
        f.write(b); n += len(b)
    f.write(line("sync-2201", 0, "ksys_sync() {") + line("sync-2201", 1, "iterate_supers() {") +
            line("sync-2201", 2, "down_read() {") + line("sync-2201", 3, "rwsem_down_read_slowpath() {") +
            line("sync-2201", 4, "schedule() {"))
PY
}
gen_diverse() {  # gen_diverse OUT MIB: every call path new (unique names), as a worst case for diff
  python3 - "$1" "$2" <<'PY'
import sys
out, mib = sys.argv[1], int(sys.argv[2])
want = mib * 1024 * 1024
with open(out, "w") as f:
    f.write("# tracer: function_graph\n#\n")
    n = i = 0
    while n < want:
        s = (f" 1)               |  ksys_sync() {{\n 1)               |    iter_{i}() {{\n"
             f" 1)   0.100 us    |      leaf_{i}_a();\n 1)   0.100 us    |      leaf_{i}_b();\n"
             f" 1)   1.000 us    |    }}\n 1)   2.000 us    |  }}\n")
        f.write(s); n += len(s); i += 1
    f.write(" 1)               |  ksys_sync() {\n 1)               |    down_read() {\n")
PY
}
big=$work/big.txt
small=$work/small.txt
gen "$big" "$mib"
gen "$small" $(( mib / 4 ))
size=$(stat -c %s "$big")
cat "$big" > /dev/null

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
mbs() { echo "$1 $2" | awk '{t=($2>0.005)?$2:0.005; printf "%.0f", $1/1048576/t}'; }
rss() { { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null || true; } | tail -1; }
set +e
read -r c_hs w_hs < <(best "$bin" ftrace stuck "$big")
read -r c_wc w_wc < <(best wc -l "$big")
read -r c_diff w_diff < <(best "$bin" ftrace diff "$big" "$big")
set -e
lines=$(wc -l < "$big")
echo "input: $(( size / 1048576 )) MiB, $lines lines"
"$bin" ftrace stuck "$big" | sed -n '3,4p;$p' | sed 's/^/  stuck says: /' || true
echo "hangscope ftrace stuck: $(mbs "$size" "$c_hs") MB/s CPU (${c_hs} s), wall ${w_hs} s"
echo "wc -l:                  $(mbs "$size" "$c_wc") MB/s CPU (${c_wc} s), wall ${w_wc} s"
echo "ratio (hangscope/wc -l): $(echo "$c_wc $c_hs" | awk '{w=($1>0.005)?$1:0.005; printf "%.3f", w/$2}') by CPU time, $(echo "$w_wc $w_hs" | awk '{w=($1>0.005)?$1:0.005; printf "%.3f", w/$2}') by wall time"
echo "hangscope ftrace diff (reads both $(( size / 1048576 )) MiB files twice): $(mbs $(( size * 4 )) "$c_diff") MB/s CPU (${c_diff} s), wall ${w_diff} s"
set +e
r_small=$(rss "$bin" ftrace stuck "$small")
r_big=$(rss "$bin" ftrace stuck "$big")
r_diff=$(rss "$bin" ftrace diff "$big" "$big")
echo "max RSS: stuck $(( mib / 4 )) MiB -> ${r_small} KiB, stuck ${mib} MiB -> ${r_big} KiB, diff ${mib} MiB x2 -> ${r_diff} KiB"
div_small=$work/div-small.txt div_big=$work/div-big.txt
gen_diverse "$div_small" $(( mib / 4 ))
gen_diverse "$div_big" "$mib"
r_div_small=$(rss "$bin" ftrace diff "$div_small" "$div_small")
r_div_big=$(rss "$bin" ftrace diff "$div_big" "$div_big")
echo "max RSS, diff with every call path new: $(( mib / 4 )) MiB -> ${r_div_small} KiB, ${mib} MiB -> ${r_div_big} KiB"
