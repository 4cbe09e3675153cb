"""Shared host-side helpers of the VM scenario checks (tests/vm/scenarios/NAME.check.py).

A check script reads the guest's results (OUT_DIR: files the guest wrote into /out), records
each check with check() (one "ok   WHAT" or "FAIL WHAT" line), optionally under a role (a stuck
task, so that --xfail can judge each task on its own), and returns finish(), which turns the
failures and the script's --xfail gaps (tests/vm/README.md "Known gaps") into the exit status:
0 pass or XFAIL, 1 fail or XPASS, 2 usage error, 77 skip (OUT_DIR does not exist).

The scripts import this module from their own directory (Python puts a script's directory first
on sys.path); they set sys.dont_write_bytecode first so that no __pycache__ lands in the tree.
"""
import contextlib
import json
import os
import sys

SKIP = 77  # exit status of a check whose VM run was skipped (ctest SKIP_RETURN_CODE)

failures = []  # (role or None, what) of every failed check, in the order they failed
_role = None


def check(cond, what):
    """Prints "ok   WHAT" or "FAIL WHAT"; a failure is recorded under the current role.
    Returns cond, so that a caller can skip the checks that depend on it."""
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append((_role, what))
    return cond


@contextlib.contextmanager
def role(name):
    """The checks inside the with-block fail under role NAME (e.g. a stuck task "seed.sync")."""
    global _role
    saved, _role = _role, name
    try:
        yield
    finally:
        _role = saved


def read(out, name, default=""):
    """Text of OUT/NAME (invalid UTF-8 replaced), or default when it cannot be read."""
    try:
        with open(os.path.join(out, name), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def read_int(out, name):
    """The integer in OUT/NAME (a pid, an exit status); 0 when the file is missing or empty.
    Raises ValueError on other text (a corrupt result: the script fails with a traceback)."""
    return int(read(out, name, "0").strip() or 0)


def load_json(out, name, required=True):
    """OUT/NAME parsed as JSON, or None. A file that is not JSON is a failed check; a missing
    file is one only when required (otherwise the caller's own checks notice the None)."""
    text = read(out, name, None)
    if text is None:
        if required:
            check(False, f"{name} exists")
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        check(False, f"{name} is JSON ({e}); starts with {text[:200]!r}")
        return None


def read_json(out, name, default):
    """OUT/NAME parsed as JSON, or default when it is missing, empty or not JSON (no check:
    for looking at an output again, e.g. when judging --xfail gaps)."""
    try:
        return json.loads(read(out, name, "") or "null") or default
    except json.JSONDecodeError:
        return default


def usage(doc):
    """Prints the script's docstring to stderr and exits 2."""
    print(doc, file=sys.stderr)
    sys.exit(2)


def parse_args(doc, options=None, flags=()):
    """OUT_DIR KVER and the options of sys.argv: (out, kver, values), values[OPTION] the string
    after OPTION or None, values[FLAG] True/False. options maps each option to its allowed values
    (None: any). Exits 2 with doc on misuse, 77 (SKIP line) when OUT_DIR does not exist."""
    args = sys.argv[1:]
    values = {}
    for opt, allowed in (options or {}).items():
        values[opt] = None
        if opt in args:
            i = args.index(opt)
            if i + 1 >= len(args) or (allowed and args[i + 1] not in allowed):
                usage(doc)
            values[opt] = args[i + 1]
            del args[i:i + 2]
    for flag in flags:
        values[flag] = flag in args
        args = [a for a in args if a != flag]
    if len(args) != 2:
        usage(doc)
    out, kver = args
    if not os.path.isdir(out):
        print(f"SKIP: no VM results in {out} (the VM run was skipped or did not run)")
        if os.environ.get("CI") in ("true", "1"):
            print("FAIL: CI=true, so this check may not skip")
            sys.exit(1)
        sys.exit(SKIP)
    return out, kver, values


def check_guest_finished(out):
    """The guest's scenario script ended by itself (not at hs.limit) with exit status 0."""
    check(read(out, "guest-timeout", None) is None, "the guest scenario finished within its time limit")
    check(read(out, "scenario.rc").strip() == "0",
          f"guest scenario exit 0 (log: {read(out, 'scenario.log')[-300:]!r})")


def chain_for(report, pid):
    """The chain of a hangscope JSON report (why, scan, log) whose stuck task is PID, or None."""
    for c in (report or {}).get("chains", []):
        if c.get("stuck", {}).get("pid") == pid:
            return c
    return None


def first_hop(chain):
    """The first hop of a chain ({} when the chain is None or has no hop)."""
    return ((chain or {}).get("hops") or [{}])[0]


def holder_pids(hop):
    """The pids of a hop's lock holders, in hangscope's order."""
    return [h.get("pid") for h in hop.get("holders", [])]


def finish(gaps=None, explain=None, intermittent=False, scope="", unroled=None):
    """Exit status of the script after its checks.

    Without gaps: 1 when a check failed ("N check(s) failed"), else 0.
    With gaps (the --xfail list): when nothing failed, 0 if intermittent (a listed gap may just not
    have shown in this run), else 1 (XPASS: every SCOPE check holds, drop the flag). Otherwise the
    failures are grouped by role (the group of role None is labelled UNROLED) and each group must
    be explained by a gap: explain(gap, role) returns why GAP explains that group's failures in
    this run, or None. 0 (XFAIL lines) when every group is explained, else 1."""
    if gaps and not failures:
        if intermittent:
            print(f"pass: the intermittent gap(s) {','.join(gaps)} did not show in this run")
            return 0
        what = f"{scope} check" if scope else "check"
        print(f"XPASS: every {what} holds now: remove '--xfail {','.join(gaps)}' in tests/vm/CMakeLists.txt")
        return 1
    unexplained = 0
    for r in sorted({r for r, _ in failures}, key=lambda r: (r is not None, r or "")) if gaps else []:
        n = sum(1 for fr, _ in failures if fr == r)
        label = r if r is not None else unroled
        found = next(((g, why) for g in gaps for why in [explain(g, r)] if why), None)
        if found:
            print(f"XFAIL{' ' + label if label else ''} ({found[0]}): {n} check(s) fail: {found[1]}; "
                  "see tests/vm/README.md")
        else:
            unexplained += n
            print(f"FAIL{' ' + label if label else ''}: {n} check(s) fail, not explained by the gap(s) "
                  f"{','.join(gaps)}")
    if gaps and not unexplained:
        return 0
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0
