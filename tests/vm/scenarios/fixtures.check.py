#!/usr/bin/env python3
"""Host-side checks of scenario fixtures (issue 7 scenario 3; tests/vm/README.md).

Usage: fixtures.check.py OUT_DIR KVER [--reproduction | --shape] [--fixture NAME[,NAME...]] [--xfail GAP[,GAP...]]

The guest ran the live fixtures of src/demo (hs_vm_fixtures; OUT/fixtures.json has their pids
and objects) on a kernel without task_struct.blocker, then `hangscope scan --json` and `hangscope
why PID --json` per stuck task (OUT/stuck.txt). For each stuck task of each fixture (default: all
the guest ran) this checks the verdict the live tests (tests/live) check on the host: first hop's
lock kind/mode/name, the lock found by the fallback recovery (lock_addr known, not the knowledge
table), its object, its holder and holder mode, the next hop, the root cause. It prints, per hop,
how the wait and the lock's owner were found. --reproduction: only the setup (fixtures started, tasks
in D, hangscope answered, cleanup released everything). --shape: the setup and the hang's shape in
/proc and /sys for the fixtures fixture_shapes.py knows (every task of each chain: state, wchan,
stack frames), not hangscope's verdict.

--xfail GAP[,GAP...] (tests/vm/README.md "Known gaps"): failures are XFAIL (exit 0) only when the
output shows, for each task with failures, one of the listed gaps: no-record (its rwsem/mutex wait
has hangscope's note "no waiter record found on its kernel stack": no lock address, object, and
no holder or the right one), guessed-holder (the same, with a wrong holder guessed from another
task's stack), reused-live-owner (the lock was found, but its live owner is taken for a task that
reused a dead owner's task_struct). The gaps are intermittent: all passing exits 0 too; failures
of the setup or of a task no listed gap explains exit 1. Exit 77 when OUT_DIR does not exist.
"""
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import checklib
from checklib import chain_for, check, first_hop, holder_pids, load_json, parse_args, read, read_json
from fixture_shapes import check_shapes


def field(hop, name):
    return hop.get("object", {}).get("fields", {}).get(name)


def lock_how_found(snapshot, addr):
    """How the collector found the owner of the lock at addr (the snapshot's lock entry)."""
    for lock in (snapshot or {}).get("locks", []):
        if addr and lock.get("addr") == addr:
            return f"{lock.get('how_found')} (owner pid {lock.get('owner_pid')}, {lock.get('owner_mode')})"
    return "no lock entry"


def expected(fx):
    """Per stuck role of each fixture: the first hop (kind, mode, lock_name, object type, object
    fields, holders, holder_mode), the second hop (waiter, kind, extra wait fields, object
    fields, holders) or None, and the root cause (kinds, pid)."""
    e = {}
    if "seed" in fx:
        s = fx["seed"]
        destroy = {"waiter": s["umount_pid"], "kind": "fuse_request",
                   "wait": {"fuse_opcode": "DESTROY", "fuse_conn": s["connection_id"]},
                   "object": ("fuse_conn", {"id": str(s["connection_id"]), "daemons": str(s["daemon_pid"])}),
                   "holders": [s["daemon_pid"]]}
        e["seed.sync"] = {"lock": ("rwsem", "read", "s_umount"),
                          "object": ("super_block", {"s_id": s["loop_name"], "fs_type": "fuseblk", "dev": s["dev"]}),
                          "holders": [s["umount_pid"]], "holder_mode": "write", "next": destroy,
                          "root": (("stopped_task",), s["daemon_pid"])}
        # umount's FUSE connection is found through the lock it holds: known from sync's wait.
        e["seed.umount"] = {"first": destroy, "root": (("stopped_task",), s["daemon_pid"]),
                            "lock_via": s["sync_pid"]}
    if "fusewrite" in fx:
        s = fx["fusewrite"]
        for role in ("writer2", "trunc3"):
            e[f"fusewrite.{role}"] = {
                "lock": ("rwsem", "write", "i_rwsem"),
                "object": ("inode", {"ino": str(s["file_ino"]), "name": s["file_name"], "s_id": "fuse"}),
                "holders": [s["writer1_pid"]], "holder_mode": "write",
                "next": {"waiter": s["writer1_pid"], "kind": "fuse_request",
                         "wait": {"fuse_opcode": "WRITE", "fuse_conn": s["connection_id"]},
                         "object": ("fuse_conn", {"id": str(s["connection_id"]), "daemons": str(s["daemon_pid"])}),
                         "holders": [s["daemon_pid"]]},
                "root": (("stopped_task",), s["daemon_pid"])}
    if "frozen" in fx:
        s = fx["frozen"]
        for role in ("writer", "mkdir"):
            e[f"frozen.{role}"] = {
                "lock": ("percpu_rwsem", "read", "sb_writers"),
                "object": ("super_block", {"s_id": s["loop_name"], "fs_type": "ext4", "dev": s["dev"],
                                           "mount_points": s["mount_point"]}),
                "holders": [], "holder_mode": None, "next": None, "frozen": True,
                "root": (("frozen_fs",), None), "remedy": ["fsfreeze -u", s["mount_point"]]}
    for name in ("uffd_file", "uffd_fifo"):
        if name not in fx:
            continue
        s = fx[name]
        lock = ("rwsem", "write", "i_rwsem") if name == "uffd_file" else ("mutex", "exclusive", None)
        obj = ("inode", {"ino": str(s["target_ino"]), "name": s["target_name"]}) if name == "uffd_file" else None
        e[f"{name}.writer2"] = {
            "lock": lock, "object": obj, "holders": [s["writer1_pid"]],
            "holder_mode": "write" if name == "uffd_file" else None,
            "next": {"waiter": s["writer1_pid"], "kind": "userfaultfd", "wait": {},
                     "object": ("userfaultfd", {"handlers": str(s["handler_pid"])}),
                     "holders": [s["handler_pid"]]},
            "root": (("uffd_handler", "stopped_task"), s["handler_pid"])}
    return e


def check_object(role, hop, obj):
    if obj is None:
        return
    typ, fields = obj
    got = hop.get("object", {})
    check(got.get("type") == typ, f"{role}: object type {typ} (saw {got.get('type')}: {got.get('summary')!r})")
    for k, v in fields.items():
        check(field(hop, k) == v, f"{role}: object {k} = {v!r} (saw {field(hop, k)!r})")


def check_hop_spec(role, hop, spec):
    w = hop.get("wait", {})
    check(hop.get("waiter", {}).get("pid") == spec["waiter"], f"{role}: hop waiter pid {spec['waiter']}")
    check(w.get("kind") == spec["kind"], f"{role}: hop waits on {spec['kind']} (saw {w.get('kind')})")
    for k, v in spec["wait"].items():
        check(w.get(k) == v, f"{role}: hop wait {k} = {v!r} (saw {w.get(k)!r})")
    check_object(role, hop, spec["object"])
    check(holder_pids(hop) == spec["holders"], f"{role}: hop held by {spec['holders']} (saw {holder_pids(hop)})")


def describe_hop(role, i, hop, snapshot):
    w = hop.get("wait", {})
    print(f"info {role} hop {i}: pid {hop.get('waiter', {}).get('pid')} waits {w.get('kind')}/{w.get('mode')} "
          f"{w.get('lock_name')} at {w.get('lock_addr')} on {hop.get('object', {}).get('summary')!r}; "
          f"held by {holder_pids(hop)} ({hop.get('holder_mode')})")
    print(f"info {role} hop {i}: wait how_found ({w.get('confidence')}): {w.get('how_found')!r}")
    if w.get("kind") in ("rwsem", "mutex", "percpu_rwsem", "semaphore"):
        print(f"info {role} hop {i}: lock owner how_found: {lock_how_found(snapshot, w.get('lock_addr'))}; "
              f"holder note: {hop.get('holder_note')!r}")


def check_role(out, role, pid, spec, scan):
    """The verdict of `why --json` for stuck task ROLE (pid PID); failures are ROLE's."""
    with checklib.role(role):
        check_role_verdict(out, role, pid, spec, scan)


def check_role_verdict(out, role, pid, spec, scan):
    why = load_json(out, f"why-{role}.json")
    snapshot = read_json(out, f"snap-{role}.json", None)
    check(read(out, f"why-{role}.rc").strip() in ("0", "1"), f"{role}: why exit 0/1 (saw {read(out, f'why-{role}.rc').strip()!r}: {read(out, f'why-{role}.err')[-200:]!r})")
    in_scan = [c for c in (scan or {}).get("chains", [])
               if c.get("stuck", {}).get("pid") == pid or pid in c.get("also_waiting", [])
               or pid in [h.get("waiter", {}).get("pid") for h in c.get("hops", [])]]
    check(in_scan, f"{role}: scan --json has pid {pid} (its chain, also waiting on a chain's lock, or a hop)")
    if in_scan and spec.get("lock") and in_scan[0].get("hops"):
        w = in_scan[0]["hops"][0].get("wait", {})
        check(w.get("kind") == spec["lock"][0], f"{role}: scan's first hop waits on {spec['lock'][0]} (saw {w.get('kind')})")
    chain = chain_for(why, pid)
    if not check(chain is not None, f"{role}: why --json has a chain for pid {pid}"):
        return
    hops = chain.get("hops", [])
    rc = chain.get("root_cause", {})
    for i, hop in enumerate(hops):
        describe_hop(role, i, hop, snapshot)
    print(f"info {role}: root cause {rc.get('kind')} pid {rc.get('pid')}: {rc.get('summary')!r}")
    if not check(hops, f"{role}: the chain has a first hop"):
        return
    h0 = hops[0]
    check(h0.get("waiter", {}).get("pid") == pid and h0.get("waiter", {}).get("state") == "D",
          f"{role}: first hop's waiter is pid {pid} in D")
    if "first" in spec:
        check_hop_spec(role, h0, spec["first"])
    else:
        w = h0.get("wait", {})
        kind, mode, name = spec["lock"]
        check(w.get("kind") == kind, f"{role}: waits on {kind} (saw {w.get('kind')})")
        check(w.get("mode") == mode, f"{role}: waits for {mode} (saw {w.get('mode')})")
        if name:
            check(w.get("lock_name") == name, f"{role}: lock {name} (saw {w.get('lock_name')})")
        check(w.get("lock_addr") is not None and not str(w.get("how_found", "")).startswith("knowledge table"),
              f"{role}: the lock was found by the fallback recovery (lock_addr {w.get('lock_addr')}, "
              f"how_found {w.get('how_found')!r})")
        check_object(role, h0, spec["object"])
        if spec.get("frozen"):
            check(field(h0, "frozen") not in (None, "", "0"), f"{role}: object frozen (saw {field(h0, 'frozen')!r})")
        check(holder_pids(h0) == spec["holders"], f"{role}: held by {spec['holders']} (saw {holder_pids(h0)})")
        if spec["holder_mode"]:
            check(h0.get("holder_mode") == spec["holder_mode"],
                  f"{role}: holder mode {spec['holder_mode']} (saw {h0.get('holder_mode')})")
        if spec["next"]:
            if check(len(hops) >= 2, f"{role}: the chain has a second hop"):
                check_hop_spec(role, hops[1], spec["next"])
        else:
            check(len(hops) == 1, f"{role}: the chain has one hop (saw {len(hops)})")
    kinds, root_pid = spec["root"]
    check(rc.get("kind") in kinds, f"{role}: root cause {'/'.join(kinds)} (saw {rc.get('kind')})")
    if root_pid is None:
        check(not rc.get("pid"), f"{role}: root cause names no task (saw pid {rc.get('pid')})")
    else:
        check(rc.get("pid") == root_pid, f"{role}: root cause names pid {root_pid} (saw {rc.get('pid')})")
    for piece in spec.get("remedy", []):
        check(piece in rc.get("remedy", ""), f"{role}: remedy mentions {piece!r} (saw {rc.get('remedy')!r})")


def check_reproduction(out, names, fx, stuck):
    checklib.check_guest_finished(out)
    for name in names:
        desc = fx.get(name, {})
        check(desc.get("ok") is True, f"fixture {name} started in the guest ({desc.get('error')})")
    for role, pid in stuck:
        state = read(out, f"task-{role}.state").strip()
        check(state == "D", f"{role} pid {pid} is in D (saw {state!r}, wchan {read(out, f'task-{role}.wchan').strip()!r})")
    check(read(out, "scan.rc").strip() in ("0", "1"), f"scan exit 0/1 (saw {read(out, 'scan.rc').strip()!r}: {read(out, 'scan.err')[-200:]!r})")
    cleanup = read_json(out, "cleanup.json", {})
    for name in names:
        if fx.get(name, {}).get("ok"):
            c = cleanup.get(name, {})
            check(c.get("ok") is True, f"fixture {name} cleaned up in the guest ({c.get('error')})")
    check(read(out, "fixtures.rc").strip() == "0", f"hs_vm_fixtures exit 0 (saw {read(out, 'fixtures.rc').strip()!r})")


def clock_offset(out):
    """sched_clock (printk stamp of the guest's clock mark) minus /proc/uptime around it."""
    m = re.search(r"\[\s*([0-9.]+)\] hs-vm: clock mark", read(out, "dmesg.txt"))
    try:
        before = float(read(out, "clock-uptime-before").split()[0])
        after = float(read(out, "clock-uptime-after").split()[0])
    except (IndexError, ValueError):
        return "clock offset not measured"
    if not m:
        return "clock offset not measured"
    stamp = float(m.group(1))
    return (f"sched_clock - uptime at the clock mark: {stamp - after:+.3f}..{stamp - before:+.3f} s")


def gap_of_role(gap, out, role, pid, spec, fx):
    """Why `gap` explains the failures of `role` in this run, or None when it does not show."""
    why = read_json(out, f"why-{role}.json", {})
    chain = chain_for(why, pid) or {}
    h0 = first_hop(chain)
    w = h0.get("wait", {})
    kind = spec.get("lock", (None,))[0]
    note = f"pid {pid}: no waiter record found on its kernel stack"
    if gap == "no-record" and spec.get("lock_via"):
        via = f"pid {spec['lock_via']}: no waiter record found on its kernel stack"
        if via in why.get("notes", []):
            return (f"{via!r}: the lock this task holds (which names its FUSE connection) was not "
                    "recovered from its waiter")
    if gap in ("no-record", "guessed-holder") and kind in ("rwsem", "mutex") and note in why.get("notes", []) \
            and not w.get("lock_addr"):
        guessed = holder_pids(h0) not in ([], spec["holders"])
        if not guessed:
            return f"{note!r}: the {kind} wait came from the knowledge table (no lock address, no object)"
        if gap == "guessed-holder" and str(h0.get("holder_note", "")).startswith("owner inferred from its stack"):
            return (f"{note!r}, and the holder guessed from stacks is pid(s) {holder_pids(h0)}, not "
                    f"{spec['holders']}: {h0.get('holder_note')!r}")
    if gap == "reused-live-owner" and spec.get("holders"):
        snapshot = read_json(out, f"snap-{role}.json", None)
        owner = spec["holders"][0]
        how = lock_how_found(snapshot, w.get("lock_addr"))
        if re.search(rf"owner pointer reused by \S+ \(pid {owner}\)", how):
            return (f"the live owner pid {owner} is taken for a reused task_struct ({how!r}): "
                    f"root cause {chain.get('root_cause', {}).get('kind')}; {clock_offset(out)}")
    return None


def main():
    out, kver, opts = parse_args(__doc__, {"--xfail": None, "--fixture": None},
                                 flags=("--reproduction", "--shape"))
    ran = read(out, "variant").split()
    names = opts["--fixture"].split(",") if opts["--fixture"] else ran
    print(f"checking fixtures {names} on {kver} ({out}; the guest ran {ran})")
    fx = load_json(out, "fixtures.json") or {}
    stuck = [(r, int(p)) for r, p in (line.split() for line in read(out, "stuck.txt").splitlines() if line.strip())
             if r.split(".")[0] in names]
    check_reproduction(out, names, fx, stuck)
    if opts["--shape"]:
        tasks = [(r, int(p)) for r, p in (line.split() for line in read(out, "tasks.txt").splitlines()
                                          if line.strip())]
        check(check_shapes(out, tasks, names) > 0, f"some task of {names} has a known shape")
        return checklib.finish()
    specs = expected({n: d for n, d in fx.items() if n in names and d.get("ok")})
    scan = load_json(out, "scan.json")
    if not opts["--reproduction"]:
        if scan is not None:
            print(f"info scan: source {scan.get('source')}, kernel {scan.get('kernel')}, notes {scan.get('notes')}")
        print(f"info clocks: {clock_offset(out)}")
        for role, pid in stuck:
            if role in specs:
                check_role(out, role, pid, specs[role], scan)
    if not opts["--xfail"]:
        return checklib.finish()
    # Every failure must belong to a checked task whose failures a listed gap explains in this run
    # (failures of the setup, role None, never are). The gaps are intermittent: all passing is fine.
    pids = dict(stuck)

    def explain(gap, role):
        return gap_of_role(gap, out, role, pids[role], specs[role], fx) if role in specs else None
    return checklib.finish(opts["--xfail"].split(","), explain, intermittent=True, unroled="setup")


if __name__ == "__main__":
    sys.exit(main())
