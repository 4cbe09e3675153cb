// Fixture access for the env tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace hangscope::env::testing {

/// Path of tests/data/env/REL.
inline std::string env_data(const std::string& rel) {
  return std::string(HANGSCOPE_TESTDATA_DIR) + "/env/" + rel;
}

/// The bytes of tests/data/env/REL (empty when unreadable: the test's expectations then fail).
inline std::string read_env_data(const std::string& rel) {
  std::ifstream in(env_data(rel), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace hangscope::env::testing
