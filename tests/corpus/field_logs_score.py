#!/usr/bin/env python3
"""Scores `hangscope log --json` on the field-log collection (tests/data/field-logs).

For every log in expected.json it runs hangscope and compares:
  - the first report's title (exact; null = no report expected),
  - per stuck task: the kind of its first wait, the rwsem mode and the lock name when expected,
    the holder pids of that wait, and the root-cause kind of its chain.
It prints the score per class and every miss, checks that the expected data is consistent with
the logs (every evidence string occurs in its log, every log has an entry), and fails when a
score falls below its floor (RATCHET). Raise the floors when hangscope gets better; never lower
them.

Usage: field_logs_score.py --hangscope BIN --data DIR [--verbose]
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

# The scores reached so far. A change that lowers one of them fails the test.
RATCHET = {
    "titles": 34,
    "log_chains": 9,
    "task_chains": 2,
    "lock_names": 1,
}

# Expected wait kinds that hangscope's JSON can express, and the LOCK_KIND it must print for them
# (docs/json-schema.md). Kinds missing here (rt_mutex, rcu, nfs, transaction, other) have no
# hangscope equivalent yet: they always count as a miss.
KIND_TO_HANGSCOPE = {
    "mutex": "mutex",
    "rwsem": "rwsem",
    "semaphore": "semaphore",
    "percpu_rwsem": "percpu_rwsem",
    "folio_lock": "folio_lock",
    "io": "io",
    "fuse_request": "fuse_request",
    "completion": "completion",
    "userfaultfd": "userfaultfd",
}

# Root kinds of hangscope's JSON (ROOT_KIND). Expected roots outside this set (io,
# remote_server, rcu, ...) cannot be expressed yet and count as a miss.
HANGSCOPE_ROOTS = {
    "stopped_task", "dead_owner", "frozen_fs", "fuse_daemon", "uffd_handler", "deadlock",
    "running_owner", "leaked_to_user", "blocked_owner", "no_owner", "unknown",
}
EXTRA_ROOTS = {"io", "remote_server", "rcu", "completion", "cpu_lockup"}
EXPECTED_KINDS = set(KIND_TO_HANGSCOPE) | {"rt_mutex", "rcu", "nfs", "transaction", "other"}

# Lockdep class keys that name a well-known lock.
CLASS_ALIASES = {
    "i_mutex_key": "i_rwsem",
    "i_mutex_dir_key": "i_rwsem",
    "i_rwsem": "i_rwsem",
    "i_mutex": "i_rwsem",
    "s_umount_key": "s_umount",
    "s_umount": "s_umount",
    "mmap_sem": "mmap_lock",
    "mmap_lock": "mmap_lock",
    "sb_writers": "sb_writers",
}


def canonical_lock_name(name):
    """'&sb->s_type->i_mutex_key#17/4' -> 'i_rwsem'; 'rtnl_mutex #2' -> 'rtnl_mutex'."""
    if not name:
        return ""
    n = name.strip()
    n = re.sub(r" #\d+$", "", n)  # hangscope's suffix that keeps two locks of one name apart
    n = n.lstrip("&")
    n = re.sub(r"(#\d+)?(/\d+)?$", "", n)  # lockdep class instance and subclass
    n = n.split("->")[-1]
    return CLASS_ALIASES.get(n, n)


def check_canonical_names():
    """The name rules the expected data relies on; returns a list of problems."""
    cases = {
        "&sb->s_type->i_mutex_key#17/4": "i_rwsem",
        "&type->s_umount_key#44": "s_umount",
        "rtnl_mutex #2": "rtnl_mutex",
        "&bdev->bd_fsfreeze_mutex": "bd_fsfreeze_mutex",
        "sb_writers#12": "sb_writers",
        "&mm->mmap_sem": "mmap_lock",
    }
    return [f"canonical_lock_name({k!r}) = {canonical_lock_name(k)!r}, want {v!r}"
            for k, v in cases.items() if canonical_lock_name(k) != v]


def check_expected(data_dir, logs):
    """Returns a list of problems with expected.json itself."""
    problems = []
    listed = set()
    for log in logs:
        path = os.path.join(data_dir, log["file"])
        listed.add(log["file"])
        if not os.path.isfile(path):
            problems.append(f"{log['file']}: no such log")
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for key in ("source", "kernel", "classes", "title", "stuck"):
            if key not in log:
                problems.append(f"{log['file']}: no '{key}'")
        for t in log.get("stuck", []):
            who = f"{log['file']}: pid {t.get('pid')}"
            kind = t.get("wait", {}).get("kind")
            if kind not in EXPECTED_KINDS:
                problems.append(f"{who}: unknown wait kind {kind!r}")
            if t.get("root") not in HANGSCOPE_ROOTS | EXTRA_ROOTS:
                problems.append(f"{who}: unknown root {t.get('root')!r}")
            if not t.get("evidence"):
                problems.append(f"{who}: no evidence")
            for e in t.get("evidence", []):
                if e not in text:
                    problems.append(f"{who}: evidence not in the log: {e!r}")
    for name in sorted(os.listdir(data_dir)):
        if name.endswith(".log") and name not in listed:
            problems.append(f"{name}: no entry in expected.json")
    return problems


def run_hangscope(binary, path):
    proc = subprocess.run([binary, "log", "--json", path], capture_output=True, timeout=120)
    # 0 = nothing found, 1 = reports or chains found (cli/commands.h); anything else is an error.
    if proc.returncode not in (0, 1):
        return None, f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}"
    try:
        return json.loads(proc.stdout), ""
    except json.JSONDecodeError as e:
        return None, f"bad JSON: {e}"


def chain_for(out, pid):
    """The chain hangscope built for stuck task `pid`, or one that lists it as also waiting."""
    for c in out.get("chains", []):
        if c.get("stuck", {}).get("pid") == pid:
            return c
    for c in out.get("chains", []):
        if pid in c.get("also_waiting", []):
            return c
    return None


def score_task(t, out):
    """Returns (chain_ok, name_ok or None, [miss descriptions])."""
    misses = []
    want = t["wait"]
    c = chain_for(out, t["pid"])
    hop = c["hops"][0] if c and c.get("hops") else None
    got_kind = hop["wait"]["kind"] if hop else "(no hop)"
    if want["kind"] not in KIND_TO_HANGSCOPE:
        misses.append(f"kind: want {want['kind']} (not expressible in hangscope JSON), got {got_kind}")
    elif got_kind != KIND_TO_HANGSCOPE[want["kind"]]:
        misses.append(f"kind: want {want['kind']}, got {got_kind}")
    if want.get("mode") and hop and hop["wait"].get("mode") != want["mode"]:
        misses.append(f"mode: want {want['mode']}, got {hop['wait'].get('mode')}")
    name_ok = None
    if want.get("lock_name"):
        got_name = hop["wait"].get("lock_name", "") if hop else ""
        name_ok = canonical_lock_name(got_name) == canonical_lock_name(want["lock_name"])
        if not name_ok:
            misses.append(f"lock: want {canonical_lock_name(want['lock_name'])}, got {got_name or '(none)'}")
    got_holders = sorted(h["pid"] for h in hop.get("holders", [])) if hop else []
    if got_holders != sorted(t["holders"]):
        misses.append(f"holders: want {sorted(t['holders']) or 'none known'}, got {got_holders or 'none'}")
    got_root = c["root_cause"]["kind"] if c else "(no chain)"
    if got_root != t["root"]:
        extra = "" if t["root"] in HANGSCOPE_ROOTS else " (not expressible in hangscope JSON)"
        misses.append(f"root: want {t['root']}{extra}, got {got_root}")
    return not misses, name_ok, misses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hangscope", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    with open(os.path.join(args.data, "expected.json"), encoding="utf-8") as f:
        logs = json.load(f)["logs"]

    problems = check_canonical_names() + check_expected(args.data, logs)
    for p in problems:
        print(f"EXPECTED-DATA {p}")

    score = collections.Counter()
    per_class = collections.defaultdict(lambda: [0, 0])  # class -> [chains right, logs]
    for log in logs:
        path = os.path.join(args.data, log["file"])
        if not os.path.isfile(path):
            continue
        out, err = run_hangscope(args.hangscope, path)
        misses = []
        if out is None:
            out = {}
            misses.append(f"hangscope failed: {err}")
        reports = out.get("reports", [])
        got_title = reports[0].get("title") if reports else None
        score["logs"] += 1
        if got_title == log["title"]:
            score["titles"] += 1
        else:
            misses.append(f"title: want {log['title']!r}, got {got_title!r}")
        log_ok = not err
        names = []
        for t in log["stuck"]:
            ok, name_ok, task_misses = score_task(t, out)
            score["tasks"] += 1
            score["task_chains"] += ok
            log_ok = log_ok and ok
            if name_ok is not None:
                names.append(name_ok)
            misses += [f"pid {t['pid']} ({t['comm']}): {m}" for m in task_misses]
        if not log["stuck"]:
            # Nothing is stuck (a lockdep splat, a lockup): a chain would be a false claim.
            stray = [c["stuck"]["pid"] for c in out.get("chains", [])]
            if stray:
                log_ok = False
                misses.append(f"chains for tasks the log does not show stuck: {stray}")
        score["log_chains"] += log_ok
        if names:
            score["named_logs"] += 1
            score["lock_names"] += all(names)
        for cls in log["classes"]:
            per_class[cls][0] += log_ok
            per_class[cls][1] += 1
        if misses:
            print(f"MISS {log['file']}")
            for m in misses:
                print(f"     {m}")
        elif args.verbose:
            print(f"OK   {log['file']}")

    print("\nscore per class (logs whose every chain is right / logs):")
    for cls in sorted(per_class):
        right, total = per_class[cls]
        print(f"  {cls:24} {right}/{total}")
    print(f"\nfield logs: titles {score['titles']}/{score['logs']}, "
          f"chains {score['log_chains']}/{score['logs']} logs "
          f"({score['task_chains']}/{score['tasks']} stuck tasks), "
          f"lock names {score['lock_names']}/{score['named_logs']} logs that name the lock")

    failed = bool(problems)
    for key, floor in RATCHET.items():
        if score[key] < floor:
            print(f"FAIL: {key} {score[key]} fell below the ratchet {floor}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
