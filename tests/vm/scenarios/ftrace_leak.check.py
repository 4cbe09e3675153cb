#!/usr/bin/env python3
"""Host-side checks of scenario ftrace_leak (issue 7 scenario 4; tests/vm/README.md).

Usage: ftrace_leak.check.py OUT_DIR KVER
`hangscope ftrace record -G ksys_sync -- sync` records GOOD (before the leak) and BAD (after it:
sync blocks, record returns at its --timeout) in the top-level tracefs instance (6.1 has
function_graph only there) and restores every top-level file it changed. On those traces, `ftrace diff` finds the first divergence at rwsem_down_read_slowpath
under ksys_sync -> iterate_supers -> down_read (GOOD always returned from down_read there), and
`ftrace stuck` shows the bad run open in down_read -> rwsem_down_read_slowpath -> ... -> schedule.
Exit 0 pass, 1 fail, 77 when OUT_DIR does not exist.
"""
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from checklib import check, check_guest_finished, finish, load_json, parse_args, read


def main():
    out, kver, _ = parse_args(__doc__)
    print(f"checking ftrace_leak on {kver} ({out})")
    check_guest_finished(out)
    for run, rc_want, how in (("good", "0", "exited with status 0"),
                              ("bad", "1", "was still running at the timeout")):
        rc, txt = read(out, f"record-{run}.rc").strip(), read(out, f"record-{run}.txt")
        print(f"info ftrace record ({run}): exit {rc}: {txt.strip().splitlines()[-2:]}")
        check(rc == rc_want and f"sync (pid" in txt and how in txt,
              f"ftrace record -G ksys_sync -- sync ({run.upper()}): exit {rc_want}, sync {how}")
        check("traced in the top-level tracefs instance /sys/kernel/tracing (its settings restored)"
              in txt and "cannot run function_graph in a tracefs instance" in txt,
              f"... on the top-level instance (6.1: function_graph only there), saying so ({run})")
    # buffer_size_kb "7 (expanded: 1408)": 7 KiB allocated per CPU; "(expanded: ...)" is a one-way
    # kernel flag (the first use of any tracer clears it), so only the allocated size is compared.
    def tracefs_state(name):
        return re.sub(r"^(buffer_size_kb=\d+) \(expanded: \d+\)$", r"\1", read(out, name), flags=re.M)

    before, after = tracefs_state("tracefs-before.txt"), tracefs_state("tracefs-after-good.txt")
    check(before and before == after,
          f"tracefs top level restored after the GOOD record (before {before!r}, after {after!r})")
    before, after = tracefs_state("tracefs-before-bad.txt"), tracefs_state("tracefs-after-bad.txt")
    check(before and before == after,
          f"... and after the BAD record that timed out (before {before!r}, after {after!r})")
    check(read(out, "insmod.rc").strip() == "137", "insmod died in the Oops (137)")
    check(read(out, "sync.state").strip() == "D", "the traced sync is in D")
    good, bad = read(out, "good.trace"), read(out, "bad.trace")
    check("ksys_sync" in good and "ksys_sync" in bad, "both traces have ksys_sync")
    for name, text in (("good", good), ("bad", bad)):
        lost = [l for l in text.splitlines() if "LOST" in l]
        print(f"info {name}.trace: {len(text.splitlines())} lines, lost-event notes: {lost[:2]}")

    diff = load_json(out, "diff.json")
    if diff:
        divs = diff.get("divergences", [])
        if check(divs, "ftrace diff finds a divergence"):
            d = divs[0]
            check(d.get("function") == "rwsem_down_read_slowpath",
                  f"first divergence: BAD calls rwsem_down_read_slowpath (saw {d.get('function')})")
            check(d.get("path") == ["ksys_sync", "iterate_supers", "down_read"],
                  f"... under ksys_sync -> iterate_supers -> down_read (saw {d.get('path')})")
        stop = diff.get("stop", {})
        check(stop.get("function") == "down_read" and stop.get("good_returned", 0) > 0
              and stop.get("good_open_at_end") == 0,
              f"BAD stops in down_read, which GOOD always returned from (saw {stop})")
    stuck = load_json(out, "stuck.json")
    if stuck:
        tasks = stuck.get("tasks", [])
        if check(len(tasks) == 1, f"ftrace stuck: one task with open calls (saw {len(tasks)})"):
            path = tasks[0].get("path", "").split(" -> ")
            print(f"info open path: {' -> '.join(path)}")
            check(path[:4] == ["ksys_sync", "iterate_supers", "down_read", "rwsem_down_read_slowpath"]
                  and path[-1] == "schedule" and tasks[0].get("sleeping") is True,
                  "the bad run is open in ksys_sync -> iterate_supers -> down_read -> "
                  "rwsem_down_read_slowpath -> ... -> schedule, sleeping")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
