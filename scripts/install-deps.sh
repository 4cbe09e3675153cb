#!/usr/bin/env bash
# Installs hangscope's build, test and demo dependencies from Debian 12 packages.
# Idempotent; needs root (apt-get). Exits non-zero when a package cannot be installed.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libgtest-dev libgmock-dev
  libfuse3-dev fuse3 e2fsprogs util-linux procps psmisc
  libclang-rt-14-dev
  qemu-system-x86 busybox-static cpio kmod python3 time
  scdoc man-db zsh
  prometheus python3-yaml
)
# scdoc builds the man page; man-db and zsh are for the packaging tests (tests/package/).
# prometheus brings promtool, which checks packaging/prometheus (no smaller Debian 12 package
# ships it); python3-yaml reads packaging/kubernetes in tests/fleet/.
# tests/vm/ also needs Debian 6.1 cloud kernels and headers: it fetches them itself with
# `apt-get download` into a cache (never installed); see tests/vm/README.md.
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages (${missing[*]}) and not root: run as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The prometheus package enables its own server on a systemd machine; only promtool is wanted.
  if [[ " ${missing[*]} " == *" prometheus "* && -d /run/systemd/system ]]; then
    systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  fi
fi
echo "install-deps: all ${#packages[@]} packages present"
