# shellcheck shell=bash
# Helpers of the hangscope VM suite (sourced by run-scenario.sh). Every helper either succeeds
# or calls vm_skip (exit 77: ctest SKIP) / vm_fail (exit 1) with a one-line reason.

VM_SKIP=77

vm_log() { echo "vm: $*" >&2; }
# Under CI (CI=true) nothing may skip: what would skip fails instead.
vm_skip() {
  if [[ ${CI:-} == true || ${CI:-} == 1 ]]; then
    echo "vm: FAIL: CI=true, so this test may not skip; it would have skipped: $*" >&2
    exit 1
  fi
  echo "vm: SKIP: $*" >&2
  exit "$VM_SKIP"
}
vm_fail() { echo "vm: FAIL: $*" >&2; exit 1; }

# vm_need_tools: skips when a host tool the harness needs is missing.
vm_need_tools() {
  local t missing=()
  for t in qemu-system-x86_64 apt-get apt-cache dpkg-deb cpio depmod modprobe make gcc \
           timeout python3 strip ldd flock; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  ((${#missing[@]} == 0)) || vm_skip "missing host tools: ${missing[*]} (scripts/install-deps.sh installs them)"
  [[ -e /bin/busybox || -e /usr/bin/busybox ]] || vm_skip "no busybox (install busybox-static)"
  busybox_bin=$(command -v busybox)
  if ldd "$busybox_bin" >/dev/null 2>&1; then
    vm_skip "$busybox_bin is dynamically linked (install busybox-static)"
  fi
}

# vm_cache_dir: prints the download cache (HANGSCOPE_VM_CACHE, else /var/cache/hangscope-vm when
# writable, else $1/vm-cache). Kernels live there across runs and build-directory wipes.
vm_cache_dir() {
  local d=${HANGSCOPE_VM_CACHE:-}
  if [[ -z $d ]]; then
    if mkdir -p /var/cache/hangscope-vm 2>/dev/null && [[ -w /var/cache/hangscope-vm ]]; then
      d=/var/cache/hangscope-vm
    else
      d=$1/vm-cache
    fi
  fi
  mkdir -p "$d" || vm_skip "cannot create cache directory $d"
  echo "$d"
}

# vm_pick_kver CACHE: the kernel release to test (HANGSCOPE_VM_KVER, else the newest one already
# extracted in CACHE, else the newest 6.1 cloud kernel apt offers).
vm_pick_kver() {
  local cache=$1 k
  if [[ -n ${HANGSCOPE_VM_KVER:-} ]]; then echo "$HANGSCOPE_VM_KVER"; return; fi
  k=$(ls -1 "$cache/kernels" 2>/dev/null | while read -r v; do
        [[ -e $cache/kernels/$v/ready ]] && echo "$v"; done | sort -V | tail -1)
  if [[ -n $k ]]; then echo "$k"; return; fi
  k=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' 2>/dev/null |
        sed -n 's/^linux-image-\(6\.1\.0-[0-9]*-cloud-amd64\)-unsigned .*/\1/p' | sort -V | tail -1)
  [[ -n $k ]] || vm_skip "apt offers no linux-image-6.1.0-*-cloud-amd64-unsigned (not Debian 12, or no apt lists: apt-get update)"
  echo "$k"
}

# vm_fetch_kernel CACHE KVER: downloads (apt-get download, never installed) and extracts the
# kernel image, its modules and the matching headers into CACHE/kernels/KVER/root; idempotent.
vm_fetch_kernel() {
  local cache=$1 kver=$2 dir=$1/kernels/$2
  mkdir -p "$dir/debs"
  exec 9>"$dir/lock"
  flock -w 300 9 || vm_fail "could not lock $dir/lock within 300 s"
  if [[ ! -e $dir/ready ]]; then
    vm_log "fetching kernel $kver into $dir (once)"
    local flavour_common=${kver%-cloud-amd64}-common
    (cd "$dir/debs" && apt-get download -q "linux-image-$kver-unsigned" "linux-headers-$kver" \
        "linux-headers-$flavour_common" linux-kbuild-6.1 >"$dir/download.log" 2>&1) ||
      vm_skip "apt-get download of kernel $kver failed (see $dir/download.log; offline?)"
    rm -rf "$dir/root"
    mkdir -p "$dir/root"
    local deb
    for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root" || vm_fail "dpkg-deb -x $deb"; done
    # The flavour's Makefile includes the common tree by absolute path: point it into the cache.
    sed -i "s#/usr/src/#$dir/root/usr/src/#" "$dir/root/usr/src/linux-headers-$kver/Makefile"
    depmod -b "$dir/root" "$kver" || vm_fail "depmod for $kver"
    [[ -e $dir/root/boot/vmlinuz-$kver ]] || vm_fail "no vmlinuz-$kver in the package"
    touch "$dir/ready"
  fi
  exec 9>&-
}

# vm_build_module KROOT KVER SRC_DIR OUT_DIR: builds the out-of-tree test module(s) of SRC_DIR
# against the cached headers; rebuilt only when a source file changed.
vm_build_module() {
  local kroot=$1 kver=$2 src=$3 out=$4 stamp
  stamp=$(cat "$src"/* | sha256sum | cut -c1-16)-$kver
  exec 8>"$out.lock"  # scenarios may boot in parallel (ctest -j): one build at a time
  flock -w 300 8 || vm_fail "could not lock $out.lock within 300 s"
  if [[ -e $out/stamp && $(cat "$out/stamp") == "$stamp" ]]; then exec 8>&-; return; fi
  rm -rf "$out" && mkdir -p "$out" && cp "$src"/* "$out"/
  local cc=gcc
  command -v gcc-12 >/dev/null && cc=gcc-12
  make -s -C "$kroot/usr/src/linux-headers-$kver" M="$out" CC="$cc" modules >"$out/build.log" 2>&1 ||
    vm_fail "test module build failed: $(tail -3 "$out/build.log")"
  echo "$stamp" >"$out/stamp"
  exec 8>&-
}

# vm_build_initramfs OUT KROOT KVER HANGSCOPE INIT SCENARIO EXTRA...: an uncompressed newc cpio
# with busybox, /init, hangscope (debug info stripped) with its shared libraries and loader, the
# virtio modules in dependency order, the scenario as /scenario.sh and EXTRA files (with the
# shared libraries of any dynamic executable among them). An EXTRA is SRC (copied to /basename)
# or SRC=DEST (copied to the absolute guest path DEST). Modules named in the array
# vm_extra_modules (besides fuse) are copied to /lib/modules with their dependencies, not loaded:
# /lib/modules/NAME.order lists the files to insmod for NAME, in order (empty when built in).
vm_build_initramfs() {
  local out=$1 kroot=$2 kver=$3 hs=$4 init=$5 scenario=$6
  shift 6
  local stage=$out.d
  rm -rf "$stage" && mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,mnt,run,lib/modules}
  cp "$busybox_bin" "$stage/bin/busybox"
  local a
  for a in $("$busybox_bin" --list); do [[ $a == busybox ]] || ln -sf busybox "$stage/bin/$a"; done
  cp "$init" "$stage/init" && chmod 755 "$stage/init"
  cp "$scenario" "$stage/scenario.sh"
  strip --strip-debug -o "$stage/bin/hangscope" "$hs" || vm_fail "strip $hs"
  local lib exe
  local entry
  # A self-contained hangscope (scripts/package.sh, cmake -DHANGSCOPE_STATIC=ON) brings no
  # library: the guest then runs the very file that gets shipped.
  if ! ldd "$hs" 2>&1 | grep -q '=>'; then
    vm_log "$hs is statically linked: no shared library copied for it"
  fi
  for entry in "$hs" "$@"; do
    exe=${entry%%=*}
    ldd "$exe" >/dev/null 2>&1 || continue  # static binaries, modules, data
    for lib in $(ldd "$exe" | grep -o '/[^ ]*'); do
      mkdir -p "$stage$(dirname "$lib")"
      cp -L "$lib" "$stage$lib"
    done
  done
  local m
  : >"$stage/lib/modules/load-order"
  for m in $(modprobe -d "$kroot" -S "$kver" --show-depends -a virtio_pci virtio_blk |
             awk '$1 == "insmod" {print $2}' | awk '!seen[$0]++'); do
    cp "$m" "$stage/lib/modules/"
    basename "$m" >>"$stage/lib/modules/load-order"
  done
  # Modules a scenario may load itself (not at boot): fuse (its BTF then describes struct fuse_dev).
  local name deps
  for name in fuse ${vm_extra_modules[@]+"${vm_extra_modules[@]}"}; do
    deps=$(modprobe -d "$kroot" -S "$kver" --show-depends "$name" 2>&1) ||
      vm_fail "module $name of kernel $kver: $deps"
    : >"$stage/lib/modules/$name.order"
    for m in $(awk '$1 == "insmod" {print $2}' <<<"$deps"); do
      cp "$m" "$stage/lib/modules/"
      basename "$m" >>"$stage/lib/modules/$name.order"
    done
  done
  local src dest
  for entry in "$@"; do
    src=${entry%%=*} dest=/$(basename "${entry%%=*}")
    [[ $entry == *=* ]] && dest=${entry#*=}
    mkdir -p "$stage$(dirname "$dest")"
    cp "$src" "$stage$dest" || vm_fail "cannot copy $src into the initramfs"
  done
  (cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet >"$out") ||
    vm_fail "cpio of $stage"
  rm -rf "$stage"
}

# vm_boot KERNEL INITRD DISK CONSOLE LIMIT [CMDLINE_ARG...]: boots under TCG; the guest gets LIMIT seconds for its
# scenario, the host kills qemu after LIMIT+60 s. Returns qemu's status (124: host timeout).
vm_boot() {
  local kernel=$1 initrd=$2 disk=$3 console=$4 limit=$5
  shift 5
  timeout -k 5 $((limit + 60)) qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 2 \
    -nographic -no-reboot -monitor none -serial stdio \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 rdinit=/init quiet hs.limit=$limit $*" \
    -drive "file=$disk,format=raw,if=virtio" </dev/null >"$console" 2>&1
}
