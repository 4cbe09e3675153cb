// Skipping a test: allowed on a developer's machine, never under CI (CI=true), where a test that
// cannot run is a failure: the CI machine is meant to have every privilege and file it needs.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace hangscope::testsupport {

/// True when the environment says this is a CI run (CI=true or CI=1).
inline bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && (std::strcmp(ci, "true") == 0 || std::strcmp(ci, "1") == 0);
}

}  // namespace hangscope::testsupport

/// Skips the current test with `reason` (streamable), or fails it under CI. Use in a test body
/// or SetUp(): like GTEST_SKIP it returns from the current function.
#define HS_SKIP(reason)                                                                  \
  do {                                                                                   \
    if (::hangscope::testsupport::under_ci()) {                                          \
      GTEST_FAIL() << "CI=true, so this test may not skip; it would have skipped: " << reason; \
    } else {                                                                             \
      GTEST_SKIP() << reason;                                                            \
    }                                                                                    \
  } while (0)
