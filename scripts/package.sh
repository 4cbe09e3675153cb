#!/usr/bin/env bash
# Builds the self-contained hangscope and its Debian package in ${BUILD_DIR:-build}:
#   static/hangscope, static/hangfs  static PIE executables (glibc, libstdc++, libbpf, libelf,
#                                    zlib, fmt, libfuse3 inside): they run on any x86_64 Linux
#                                    with nothing installed, e.g. copied onto a hung machine or
#                                    into an empty container
#   dist/hangscope                   the same hangscope, stripped: the one file to copy
#   hangscope_VERSION_ARCH.deb       install with `dpkg -i`; no dependencies
# Reuses the build directory's objects (the static executables only re-link them). Fails when
# either executable would load anything at run time (an ELF interpreter or a NEEDED library).
# Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cache=$build/CMakeCache.txt
# Configure when asked to, or when the build directory does not make the static executables.
if (($#)) || ! grep -q '^HANGSCOPE_STATIC:BOOL=ON' "$cache" 2>/dev/null; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S . -B "$build" -G Ninja -DHANGSCOPE_STATIC=ON ${launcher[@]+"${launcher[@]}"} "$@" >/dev/null
fi
cmake --build "$build" -j "$(nproc)" --target hangscope_static hangfs_static hs_man hs_completion
for exe in static/hangscope static/hangfs; do
  if LC_ALL=C readelf -lW "$build/$exe" | grep -q 'Requesting program interpreter' ||
     LC_ALL=C readelf -dW "$build/$exe" | grep -q '(NEEDED)'; then
    echo "package.sh: $build/$exe is not self-contained:" >&2
    readelf -lW "$build/$exe" | grep -i interpreter >&2 || true
    readelf -dW "$build/$exe" | grep NEEDED >&2 || true
    exit 1
  fi
done
mkdir -p "$build/dist"
strip -o "$build/dist/hangscope" "$build/static/hangscope"
rm -f "$build"/hangscope_*.deb
(cd "$build" && cpack -G DEB >cpack.log 2>&1) || { cat "$build/cpack.log" >&2; exit 1; }
deb=$(ls "$build"/hangscope_*.deb)
printf 'package.sh: %s: %s bytes, static, stripped\npackage.sh: %s: %s bytes\n' \
  "$build/dist/hangscope" "$(stat -c %s "$build/dist/hangscope")" "$deb" "$(stat -c %s "$deb")"
