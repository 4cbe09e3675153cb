#!/usr/bin/env bash
# static_chroot_test.sh HANGSCOPE SRC_DIR: the self-contained binary (scripts/package.sh) runs in
# an empty root that holds nothing but itself, as in a container with nothing installed: no
# libc, no loader, no /etc. In a private mount namespace, the root gets /proc, /sys (for BTF),
# the BPF filesystem, tracefs and /dev/null, then `chroot` runs:
#   hangscope --version, log from stdin, env collect, scan --json (live, BPF), and ftrace stuck.
# Root only (chroot, mounts, BPF); the live scan needs the machine lock (ctest label package).
set -euo pipefail
hs=$(realpath "$1") src=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
[[ $(id -u) == 0 ]] || pkg_skip "needs root (chroot, mounts, BPF)"
[[ -x $hs ]] || pkg_fail "no binary $hs (scripts/package.sh builds it)"
command -v unshare >/dev/null || pkg_fail "no unshare (util-linux)"
if LC_ALL=C readelf -lW "$hs" | grep -q 'program interpreter' ||
   LC_ALL=C readelf -dW "$hs" | grep -q '(NEEDED)'; then
  pkg_fail "$hs loads shared libraries: not self-contained"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{proc,sys,dev}
cp "$hs" "$root/hangscope"
echo "root: $(cd "$root" && find . -type f | tr '\n' ' ')($(du -sh "$root" | cut -f1))"

# Everything inside one private mount namespace: its mounts vanish with it, even on failure.
out=$tmp/out
mkdir -p "$out"
unshare --mount --propagation private -- bash -c '
  set -u
  root=$1 out=$2 src=$3
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount -t bpf bpf "$root/sys/fs/bpf" 2>/dev/null || true
  mount -t tracefs tracefs "$root/sys/kernel/tracing" 2>/dev/null || true
  : >"$root/dev/null" && mount --bind /dev/null "$root/dev/null"  # as any container has
  run() { local name=$1; shift; chroot "$root" /hangscope "$@" >"$out/$name.out" 2>"$out/$name.err"; echo $? >"$out/$name.rc"; }
  run version --version
  run log log --titles - <"$src/tests/data/seed-case/sync-hang.dmesg"
  run env env collect
  run scan scan --min 0 --json
  run stuck ftrace stuck - <"$src/tests/data/seed-case/sync-bad.function_graph.txt"
' _ "$root" "$out" "$src"

passed=0 failed=0
show() { echo "--- $1: exit $(cat "$out/$1.rc")"; head -c 600 "$out/$1.out"; head -c 600 "$out/$1.err"; echo; }
for n in version log env scan stuck; do show "$n"; done
pkg_check "--version" "hangscope $(cat "$src/CMakeLists.txt" | sed -n 's/^project(hangscope VERSION \([0-9.]*\).*/\1/p')" \
  "$(cat "$out/version.out")"
pkg_check "log --titles - (exit 1: a report found)" "1 BUG: unable to handle kernel NULL pointer dereference in nfsd_fill_super" \
  "$(cat "$out/log.rc") $(cat "$out/log.out")"
pkg_check "env collect prints a fingerprint" "0 hangscope-env/1" \
  "$(cat "$out/env.rc") $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("schema"))' "$out/env.out" 2>&1)"
scan_rc=$(cat "$out/scan.rc")
pkg_check "scan exits 0 or 1" yes "$([[ $scan_rc == 0 || $scan_rc == 1 ]] && echo yes || echo "no ($scan_rc)")"
pkg_check "scan used BPF in the empty root" bpf \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source"])' "$out/scan.out" 2>&1)"
pkg_check "ftrace stuck - (exit 1: open calls)" "1 yes" \
  "$(cat "$out/stuck.rc") $(grep -q 'rwsem_down_read_slowpath -> schedule' "$out/stuck.out" && echo yes || echo no)"
printf 'static chroot: %d passed, %d failed\n' "$passed" "$failed"
exit $((failed > 0))
