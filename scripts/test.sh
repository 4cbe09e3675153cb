#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test:
#   1. release build: unit + corpus + live tests (live tests need root; they skip with a reason
#      otherwise, and clean up every hang they make),
#   2. ASan+UBSan build: unit + corpus tests again.
# Exit status is non-zero when any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --timeout 300
if [[ "${HANGSCOPE_SKIP_SANITIZERS:-0}" != 1 ]]; then
  BUILD_DIR=build-asan HANGSCOPE_TARGETS="hangscope_tests hangscope" scripts/build.sh -DHANGSCOPE_SANITIZE=ON
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan -L unit --output-on-failure --timeout 600
fi
