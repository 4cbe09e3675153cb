#!/usr/bin/env python3
"""scan with N sleeping threads vs `ps -eLo stat,pid` on the same machine state.

Prints the median wall time of each over R runs, their ratio, and hangscope's peak RSS.
Usage: bench/scan_bench.py BUILD_DIR [THREADS] [RUNS]   (root, for BPF)
"""
import os, resource, statistics, subprocess, sys, time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 15
hangscope = os.path.join(build, "hangscope")

def timed(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        sys.exit(f"scan_bench: {cmd[0]} failed ({r.returncode}): {r.stderr.decode(errors='replace').strip()}")
    return dt

def peak_rss_kib(cmd):
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(cmd[0], cmd)
    _, status, ru = os.wait4(pid, 0)
    return ru.ru_maxrss

sl = subprocess.Popen([os.path.join(build, "bench", "sleepers"), str(threads)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
try:
    if sl.stdout.readline().strip() != b"ready":
        sys.exit("scan_bench: sleepers did not start")
    nthreads = int(subprocess.run(["ps", "-eLo", "pid"], capture_output=True).stdout.count(b"\n"))
    scan = [hangscope, "scan", "--json"]
    ps = ["/bin/ps", "-eLo", "stat,pid"]
    timed(scan); timed(ps)  # warm up
    ts, tp = [], []
    for _ in range(runs):
        ts.append(timed(scan))
        tp.append(timed(ps))
    rss = peak_rss_kib(scan)
    ms, mp = statistics.median(ts) * 1000, statistics.median(tp) * 1000
    print(f"threads on the machine: {nthreads}")
    print(f"hangscope scan: median {ms:.1f} ms over {runs} runs")
    print(f"ps -eLo stat,pid: median {mp:.1f} ms over {runs} runs")
    print(f"ratio scan/ps: {ms / mp:.2f} (< 1 means hangscope is faster)")
    print(f"hangscope scan peak RSS: {rss / 1024:.1f} MiB (goal < 64 MiB)")
finally:
    sl.stdin.close()
    sl.wait(timeout=30)
