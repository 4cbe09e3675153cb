#!/usr/bin/env bash
# The alerting rules pass `promtool check rules` and their unit tests (`promtool test rules`).
# promtool comes with Debian's prometheus package (scripts/install-deps.sh); without it the test
# is skipped (exit 77), except under CI=true, where that is a failure.
set -euo pipefail
dir=${1:?usage: promtool_test.sh PACKAGING_PROMETHEUS_DIR}
if ! command -v promtool >/dev/null; then
  echo "promtool not found (Debian package prometheus; scripts/install-deps.sh installs it)"
  [[ ${CI:-} == true ]] && exit 1
  exit 77
fi
cd "$dir"
promtool check rules hangscope-alerts.yml
promtool test rules hangscope-alerts.test.yml
