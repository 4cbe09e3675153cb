#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit, corpus, live; live tests skip with a
# reason when not root). Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --timeout 300
