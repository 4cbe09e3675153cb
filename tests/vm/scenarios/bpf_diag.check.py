#!/usr/bin/env python3
"""Diagnostic scenario: prints the tail of bpftool's verbose load log (never fails)."""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from checklib import read

out = sys.argv[1]
for name in ("bpftool.rc", "bpftool.log", "scan.err"):
    text = read(out, name, None)
    if text is not None:
        print(f"== {name} (last 60 lines)")
        print("\n".join(text.splitlines()[-60:]))
