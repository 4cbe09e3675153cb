#!/usr/bin/env bash
# Configures and builds hangscope into ${BUILD_DIR:-build}. Extra args go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
