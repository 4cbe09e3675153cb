#!/usr/bin/env bash
# Records what hangscope says today about live fixtures, as snapshots for unit tests without root:
# for each FIXTURE (a name of tests/vm/fixtures/fixture_table.cc) it starts the fixture with
# hs_vm_fixtures, waits until its tasks are stuck for 2 s, then saves
#   NAME.json         `hangscope scan --save` (the snapshot: replay with `hangscope analyze`)
#   NAME.scan.txt     what that scan printed (text)
#   NAME.why-ROLE.txt what `hangscope why PID` printed for each stuck task of the fixture
# and releases the fixture. NAME is the fixture's snapshot name given as FIXTURE=NAME.
#
# Usage (root; hold the machine lock, another engineer's hang would be in the scan):
#   flock /tmp/hangscope-live.lock tests/data/snapshots/record-fixtures.sh build \
#     loopfuse=io-loop-on-fuse freeze_v1=cause-freezer-v1 ...
set -euo pipefail
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
hs=$build/hangscope
for spec in "$@"; do
  fixture=${spec%%=*} name=${spec#*=}
  work=$(mktemp -d /tmp/hangscope-record-XXXXXX)
  "$build/tests/vm/hs_vm_fixtures" --hangfs "$build/hangfs" --out "$work" \
    --release "$work/release" --hold 120 "$fixture" 2>"$work/fixtures.log" &
  fx=$!
  for _ in $(seq 1 600); do [[ -e $work/fixtures.json ]] && break; sleep 0.1; done
  [[ -e $work/fixtures.json ]] || { cat "$work/fixtures.log" >&2; kill $fx; exit 1; }
  grep -q '"ok": true' "$work/fixtures.json" || { cat "$work/fixtures.log" >&2; touch "$work/release"; wait $fx || true; exit 1; }
  sleep 2
  timeout 30 "$hs" scan --save "$here/$name.json" >"$here/$name.scan.txt" 2>&1 || true
  while read -r role pid; do
    timeout 30 "$hs" why "$pid" >"$here/$name.why-${role#*.}.txt" 2>&1 || true
  done <"$work/stuck.txt"
  touch "$work/release"
  if wait $fx; then
    rm -rf "$work"
  else
    echo "record: $fixture did not clean up cleanly (see $work/fixtures.log)" >&2
  fi
  echo "recorded $fixture as $name"
done
