#!/usr/bin/env python3
"""Checks the man page source docs/hangscope.8.scd against the built hangscope.

  man_check.py examples SRC_DIR HANGSCOPE  every example command shown with output still prints
                                            those lines ("..." stands for any lines), and every
                                            example's options exist
  man_check.py options SRC_DIR HANGSCOPE   every option of every command (from `hangscope
                                            completion list`) is described, and no option the
                                            page describes is gone

Example files are named by their base name (as a reader would have them); the test finds each
one under docs/ or tests/data/ of the source tree and runs the command in a scratch directory
where that name points to it. Exit 0 when all checks pass, 1 with one line per failure.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

TIMEOUT_S = 60


def read_examples(scd_text):
    """[(command_words, expected_lines)] from the literal blocks of the EXAMPLES section."""
    section = scd_text.split("\n# EXAMPLES\n", 1)[1]
    section = re.split(r"^# [A-Z][A-Z ]+$", section, maxsplit=1, flags=re.M)[0]
    examples = []
    for block in re.findall(r"^```\n(.*?)^```$", section, re.S | re.M):
        current = None
        for line in block.splitlines():
            if line.startswith(("$ ", "# ")):
                current = (shlex.split(line[2:]), [])
                examples.append(current)
            elif current is not None:
                current[1].append(line)
    return examples


def option_list(hangscope):
    """{command path: set of option names} from `hangscope completion list`."""
    out = subprocess.run([hangscope, "completion", "list"], capture_output=True, text=True,
                         check=True, timeout=TIMEOUT_S).stdout
    paths = {}
    for line in out.splitlines():
        words = line.split()
        path, last = " ".join(words[:-1]), words[-1]
        paths.setdefault(path, set())
        if last.startswith("-"):
            paths[path].add(last)
        elif not last.startswith("<"):
            paths.setdefault(path + " " + last, set())
    return paths


def command_path(words, paths):
    """The longest known command path the words start with, and the remaining words."""
    path, rest = "hangscope", words[1:]
    while rest and f"{path} {rest[0]}" in paths:
        path, rest = f"{path} {rest[0]}", rest[1:]
    return path, rest


def find_data(src, name):
    """The one file called `name` under docs/ or tests/data/, or None."""
    hits = []
    for top in ("docs", "tests/data"):
        for root, _, files in os.walk(os.path.join(src, top)):
            hits += [os.path.join(root, f) for f in files if f == name]
    return hits[0] if len(hits) == 1 else None


def matches(expected, actual):
    """True when the expected lines appear in order in actual; '...' skips any lines."""
    chunks, chunk = [], []
    for line in expected:
        if line == "...":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(line)
    chunks.append(chunk)
    pos = 0
    for i, chunk in enumerate(chunks):
        if not chunk:
            continue
        anchored = i == 0  # the first chunk starts the output unless '...' precedes it
        found = -1
        for start in range(pos, len(actual) - len(chunk) + 1):
            if actual[start:start + len(chunk)] == chunk:
                found = start
                break
            if anchored:
                break
        if found < 0:
            return False, chunk[0]
        pos = found + len(chunk)
    if chunks[-1] and pos != len(actual):
        return False, "(end of output: more lines follow)"
    return True, ""


def check_examples(src, hangscope, scd_text):
    paths = option_list(hangscope)
    failures, ran = [], 0
    for words, expected in read_examples(scd_text):
        if words[0] != "hangscope":
            continue
        path, rest = command_path(words, paths)
        for w in rest:
            name = w.split("=", 1)[0]
            if name == "--":
                break
            if name.startswith("-") and name != "-" and name not in paths[path]:
                failures.append(f"{' '.join(words)}: {path} has no option {name}")
        if not expected:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            for w in rest:
                if re.search(r"\.(json|dmesg|txt|log)$", w):
                    data = find_data(src, os.path.basename(w))
                    if data is None:
                        failures.append(f"{' '.join(words)}: no single {os.path.basename(w)} "
                                        "under docs/ or tests/data/")
                        break
                    os.symlink(data, os.path.join(scratch, os.path.basename(w)))
            else:
                argv = [hangscope] + [os.path.basename(w) if re.search(
                    r"\.(json|dmesg|txt|log)$", w) else w for w in words[1:]]
                run = subprocess.run(argv, cwd=scratch, capture_output=True, text=True,
                                     timeout=TIMEOUT_S)
                ran += 1
                ok, missing = matches(expected, run.stdout.splitlines())
                if not ok:
                    failures.append(f"{' '.join(words)} (exit {run.returncode}) no longer "
                                    f"prints: {missing}")
    if ran == 0:
        failures.append("no example with output was found in the EXAMPLES section")
    return failures, ran


def check_options(hangscope, scd_text):
    paths = option_list(hangscope)
    described = set(re.findall(r"\*(--?[a-zA-Z][\w-]*)\*", scd_text))
    failures = []
    for path, options in sorted(paths.items()):
        for o in sorted(options):
            if o not in described:
                failures.append(f"{path} {o}: not described in docs/hangscope.8.scd")
    known = set().union(*paths.values())
    for o in sorted(described - known):
        failures.append(f"docs/hangscope.8.scd describes {o}, which no command has")
    return failures, sum(len(v) for v in paths.values())


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("examples", "options"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    mode, src, hangscope = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    with open(os.path.join(src, "docs", "hangscope.8.scd"), encoding="utf-8") as f:
        scd_text = f.read()
    if mode == "examples":
        failures, count = check_examples(src, hangscope, scd_text)
        what = "example commands run"
    else:
        failures, count = check_options(hangscope, scd_text)
        what = "options checked"
    for f in failures:
        print(f"FAIL: {f}")
    print(f"man_check {mode}: {count} {what}, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
