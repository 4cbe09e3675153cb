# shellcheck shell=bash
# Helpers of the packaging tests (sourced). pkg_skip exits 77 (ctest SKIP) with a reason, or
# fails under CI=true, where no test may skip; pkg_fail exits 1.
pkg_skip() {
  if [[ ${CI:-} == true || ${CI:-} == 1 ]]; then
    echo "FAIL: CI=true, so this test may not skip; it would have skipped: $*" >&2
    exit 1
  fi
  echo "SKIP: $*" >&2
  exit 77
}
pkg_fail() { echo "FAIL: $*" >&2; exit 1; }

# pkg_check WHAT WANT GOT: counts a check in passed/failed, printing the failures.
pkg_check() {
  if [[ $2 == "$3" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL: %s: want [%s], got [%s]\n' "$1" "$2" "$3"
  fi
}
