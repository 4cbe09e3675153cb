#!/usr/bin/env bash
# Installs dependencies, builds, and runs `hangscope demo` (the seed case, reproduced and explained).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Only what the demo runs: hangscope and the FUSE daemon hangfs, not the test suite.
HANGSCOPE_TARGETS="hangscope hangfs" scripts/build.sh
exec "${BUILD_DIR:-build}"/hangscope demo
