#!/usr/bin/env bash
# Configures and builds hangscope into ${BUILD_DIR:-build}. Extra args go to cmake's configure step.
# HANGSCOPE_TARGETS="a b" limits the build to those targets (default: everything).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
targets=()
for t in ${HANGSCOPE_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
