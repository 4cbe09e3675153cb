#!/usr/bin/env python3
"""Diagnostic scenario: prints the tail of bpftool's verbose load log (never fails)."""
import os
import sys

out = sys.argv[1]
for name in ("bpftool.rc", "bpftool.log", "scan.err"):
    p = os.path.join(out, name)
    if os.path.exists(p):
        text = open(p, errors="replace").read()
        print(f"== {name} (last 60 lines)")
        print("\n".join(text.splitlines()[-60:]))
