#!/usr/bin/env bash
# deb_test.sh BUILD_DIR: the Debian package that scripts/package.sh left in BUILD_DIR, with a
# real dpkg run: install, use (--version, man -w, man, bash completion of `hangscope w`, the
# systemd unit, the demo as root and as nobody), remove, purge, and check that nothing of it is
# left on disk. Root only; the demo makes a real hang (machine lock: ctest label package).
# Purges the package on every exit path, so a failed run leaves nothing installed either.
set -euo pipefail
build=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
[[ $(id -u) == 0 ]] || pkg_skip "needs root (dpkg -i)"
command -v dpkg >/dev/null || pkg_skip "not a Debian system (no dpkg)"
command -v man >/dev/null || pkg_fail "no man (scripts/install-deps.sh installs man-db)"
deb=$(ls -t "$build"/hangscope_*.deb 2>/dev/null | head -1)
[[ -f $deb ]] || pkg_fail "no hangscope_*.deb in $build (scripts/package.sh builds it)"
if dpkg-query -W -f '${Status}' hangscope 2>/dev/null | grep -q 'installed'; then
  pkg_fail "a hangscope package is already installed: this test would replace and purge it"
fi
tmp=$(mktemp -d)
purge() { dpkg -P hangscope >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap purge EXIT
passed=0 failed=0

echo "package: $deb ($(stat -c %s "$deb") bytes)"
dpkg-deb -I "$deb" | sed -n '/Package:/,$p'
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$tmp/contents"
pkg_check "no dependencies (static build)" "" "$(dpkg-deb -f "$deb" Depends)"

dpkg -i "$deb" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; pkg_fail "dpkg -i $deb"; }
pkg_check "dpkg -s: installed" "install ok installed" "$(dpkg-query -W -f '${Status}' hangscope)"
pkg_check "hangscope on PATH is the package's" /usr/sbin/hangscope "$(PATH=/usr/sbin:/usr/bin command -v hangscope)"
pkg_check "hangscope --version" "hangscope $(dpkg-deb -f "$deb" Version)" "$(/usr/sbin/hangscope --version)"
pkg_check "man -w hangscope" /usr/share/man/man8/hangscope.8.gz "$(man -w hangscope)"
pkg_check "man hangscope renders EXAMPLES" yes \
  "$(MANWIDTH=80 man hangscope 2>/dev/null | grep -q '^EXAMPLES' && echo yes || echo no)"
pkg_check "man renders without warnings" "" "$(MANWIDTH=80 man --warnings hangscope 2>&1 >/dev/null)"
for f in /usr/share/bash-completion/completions/hangscope /usr/share/zsh/vendor-completions/_hangscope \
         /usr/lib/systemd/system/hangscope-watch.service /usr/libexec/hangscope/hangfs \
         /usr/share/hangscope/demo-snapshot.json /usr/share/doc/hangscope/README.md; do
  pkg_check "installed $f" yes "$([[ -s $f ]] && echo yes || echo no)"
done
pkg_check "bash: hangscope w<TAB> with the installed completion" "watch why" \
  "$(bash --noprofile --norc -c 'source /usr/share/bash-completion/completions/hangscope
     COMP_WORDS=(hangscope w); COMP_CWORD=1; _hangscope; printf "%s\n" "${COMPREPLY[@]}" | sort | xargs')"
if command -v systemd-analyze >/dev/null; then
  pkg_check "systemd-analyze verify hangscope-watch.service" "" \
    "$(systemd-analyze verify /usr/lib/systemd/system/hangscope-watch.service 2>&1 | grep -v 'not running as PID 1\|Failed to prepare filename\|Failed to setup working directory' || true)"
  systemd-analyze security --offline=true /usr/lib/systemd/system/hangscope-watch.service 2>/dev/null |
    tail -1 || true
fi
# The demo from the package: as nobody it replays the installed snapshot; as root it makes the
# real hang with the installed hangfs and explains it.
pkg_check "demo as nobody replays the installed snapshot" yes \
  "$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups /usr/sbin/hangscope demo 2>&1 |
     grep -q 'root cause: the FUSE daemon hangfs' && echo yes || echo no)"
if [[ -e /dev/fuse ]] && command -v losetup >/dev/null; then
  (cd / && timeout 120 /usr/sbin/hangscope demo) >"$tmp/demo.out" 2>&1 || true
  pkg_check "demo as root: diagnosis and cleanup" "yes yes" \
    "$(grep -q '^root cause: the FUSE daemon hangfs' "$tmp/demo.out" && echo yes || echo no) $(grep -q 'cleaned up' "$tmp/demo.out" && echo yes || echo no)"
  grep -E '^(demo:|root cause|remedy)' "$tmp/demo.out" || cat "$tmp/demo.out"
else
  pkg_check "the installed demo can run (/dev/fuse, losetup)" yes no
fi

dpkg -r hangscope >"$tmp/remove.log" 2>&1 || { cat "$tmp/remove.log"; pkg_fail "dpkg -r hangscope"; }
pkg_check "after dpkg -r: binary gone" no "$([[ -e /usr/sbin/hangscope ]] && echo yes || echo no)"
dpkg -P hangscope >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; pkg_fail "dpkg -P hangscope"; }
pkg_check "after dpkg -P: unknown to dpkg" "" "$(dpkg-query -W -f '${Status}' hangscope 2>/dev/null || true)"
# Every file of the package is gone, and so is every directory that only the package used.
left=()
while read -r p; do
  [[ -z $p || $p == / ]] && continue
  if [[ -d $p ]]; then
    [[ -z $(ls -A "$p") ]] && [[ $p == *hangscope* ]] && left+=("$p (empty directory)")
    [[ $p == *hangscope* && -n $(ls -A "$p") ]] && left+=("$p (directory)")
  elif [[ -e $p || -L $p ]]; then
    left+=("$p")
  fi
done <"$tmp/contents"
for p in /var/log/hangscope /var/lib/hangscope /var/lib/prometheus/node-exporter/hangscope.prom /etc/systemd/system/multi-user.target.wants/hangscope-watch.service; do
  [[ -e $p ]] && left+=("$p")
done
pkg_check "nothing left after purge ($(wc -l <"$tmp/contents") paths in the package)" "" "${left[*]:-}"
printf 'deb: %d passed, %d failed\n' "$passed" "$failed"
exit $((failed > 0))
