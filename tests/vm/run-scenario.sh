#!/usr/bin/env bash
# Runs one VM scenario end to end: fetch (cached) a Debian 6.1 cloud kernel and its headers,
# build the test module and an initramfs with hangscope, boot under qemu TCG, bring /out back
# through a raw virtio disk, and check it with scenarios/NAME.check.py.
#
# Usage: run-scenario.sh HANGSCOPE_BIN WORK_DIR SCENARIO_NAME[@VARIANT] [CHECK_ARG...]
# Exit: 0 pass, 1 fail, 77 skip (reason on stderr). Env: HANGSCOPE_VM_CACHE, HANGSCOPE_VM_KVER,
# HANGSCOPE_VM_LIMIT (guest seconds for the scenario, default 90), HANGSCOPE_VM_EXTRA (more host
# files, space separated, copied into the guest's / for diagnostics).
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin  # depmod, modprobe: not on a non-root user's PATH on Debian
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

(($# >= 3)) || { echo "usage: $0 HANGSCOPE_BIN WORK_DIR SCENARIO_NAME[@VARIANT] [CHECK_ARG...]" >&2; exit 2; }
hs=$1 work=$2 name=$3
shift 3
run=$work/$name
rm -rf "$run"  # never let a later check read a previous run's results
# NAME@VARIANT runs NAME's scripts with hs.variant=VARIANT on the guest's kernel command line.
base=${name%%@*} variant=
[[ $name == *@* ]] && variant=${name#*@}
guest=$here/scenarios/$base.guest.sh
check=$here/scenarios/$base.check.py
[[ -f $guest && -f $check ]] || vm_fail "unknown scenario $name (no $guest or $check)"
[[ -x $hs ]] || vm_fail "hangscope binary $hs not found"
[[ $(uname -m) == x86_64 ]] || vm_skip "host is $(uname -m), the suite boots x86_64 guests"
vm_need_tools

# A scenario's own guest files and modules: scenarios/NAME.extra, one per line (README "Adding").
#   module NAME        kernel module NAME (+ dependencies) into /lib/modules, with NAME.order
#   file SRC DEST      host file SRC at guest path DEST (skip when the host lacks it)
#   build PATH DEST    build product PATH (relative to hangscope's build dir) at DEST
extras=() vm_extra_modules=()
build_dir=$(cd "$(dirname "$hs")" && pwd)
# The self-contained hangscope sits in BUILD/static/ (HANGSCOPE_STATIC): products are in BUILD.
if [[ ! -f $build_dir/CMakeCache.txt && -f $build_dir/../CMakeCache.txt ]]; then
  build_dir=$(dirname "$build_dir")
fi
if [[ -f $here/scenarios/$base.extra ]]; then
  while read -r kind a b; do
    case $kind in
      '' | '#'*) ;;
      module) vm_extra_modules+=("$a") ;;
      file)
        [[ -e $a ]] || vm_skip "scenario $base needs $a on the host (scripts/install-deps.sh installs it)"
        extras+=("$a=$b") ;;
      build)
        [[ -x $build_dir/$a ]] || vm_fail "scenario $base needs $build_dir/$a: ninja -C $build_dir $(basename "$a")"
        extras+=("$build_dir/$a=$b") ;;
      *) vm_fail "scenarios/$base.extra: bad line '$kind $a $b'" ;;
    esac
  done <"$here/scenarios/$base.extra"
fi

t0=$(date +%s.%N)
mkdir -p "$work"
cache=$(vm_cache_dir "$work")
kver=$(vm_pick_kver "$cache")
vm_fetch_kernel "$cache" "$kver"
kroot=$cache/kernels/$kver/root
t_fetch=$(date +%s.%N)

vm_build_module "$kroot" "$kver" "$here/module" "$work/module-$kver"
mkdir -p "$run"
vm_build_initramfs "$run/initrd.cpio" "$kroot" "$kver" "$hs" "$here/init.sh" "$guest" \
  "$work/module-$kver/leak_s_umount.ko" "$work/module-$kver/hs_locks.ko" \
  ${extras[@]+"${extras[@]}"} ${HANGSCOPE_VM_EXTRA:-}
truncate -s 32M "$run/results.img"
t_build=$(date +%s.%N)

limit=${HANGSCOPE_VM_LIMIT:-90}
vm_log "booting $kver for scenario $name (guest limit ${limit}s)"
set +e
vm_boot "$kroot/boot/vmlinuz-$kver" "$run/initrd.cpio" "$run/results.img" "$run/console.log" "$limit" \
  ${variant:+hs.variant=$variant}
qrc=$?
set -e
t_boot=$(date +%s.%N)
if ((qrc == 124 || qrc == 137)); then
  # function_graph under TCG emulation can starve the guest's CPUs (soft lockups, RCU stalls):
  # an environment limit of this scenario, not a hangscope result.
  if [[ $base == ftrace_leak ]] && grep -qE "soft lockup|self-detected stall" "$run/console.log"; then
    vm_skip "the guest stalled under function_graph tracing (TCG too slow); console tail: $(tail -3 "$run/console.log" | tr -d '\r')"
  fi
  vm_fail "qemu killed by the host timeout; console tail: $(tail -5 "$run/console.log")"
fi
mkdir -p "$run/out"
tar -xf "$run/results.img" -C "$run/out" 2>"$run/untar.err" ||
  vm_fail "no results on the disk (qemu rc $qrc); console tail: $(tail -5 "$run/console.log" | tr -d '\r')"

printf 'vm: timings: fetch %.1fs, build %.1fs, boot+scenario %.1fs (guest uptime at end %ss)\n' \
  "$(python3 -c "print($t_fetch-$t0)")" \
  "$(python3 -c "print($t_build-$t_fetch)")" "$(python3 -c "print($t_boot-$t_build)")" \
  "$(cat "$run/out/uptime" 2>/dev/null || echo '?')" >&2
vm_log "results in $run/out"
python3 "$check" "$run/out" "$kver" "$@"
