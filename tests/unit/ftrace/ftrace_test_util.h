// Helpers for the ftrace tests: fixture paths, temporary files, running the CLI.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace hangscope::ftrace::testing {

inline std::string fixture(const std::string& name) {
  return std::string(HANGSCOPE_TESTDATA_DIR) + "/ftrace/" + name;
}

inline std::string seed_tail() {
  return std::string(HANGSCOPE_TESTDATA_DIR) + "/seed-case/sync-bad.function_graph.txt";
}

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A file removed when the object goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& content = "") {
    char tmpl[] = "/tmp/hangscope-ftrace-test-XXXXXX";
    int fd = ::mkstemp(tmpl);
    path_ = tmpl;
    if (fd >= 0) {
      size_t off = 0;
      while (off < content.size()) {
        ssize_t n = ::write(fd, content.data() + off, content.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
      ::close(fd);
    }
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandOutput {
  int exit_code = -1;
  std::string out, err;
};

/// Runs `cmd` with /bin/sh, capturing stdout and stderr.
inline CommandOutput run_command(const std::string& cmd) {
  TempFile out, err;
  CommandOutput r;
  int st = std::system((cmd + " >" + out.path() + " 2>" + err.path()).c_str());
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_all(out.path());
  r.err = read_all(err.path());
  return r;
}

}  // namespace hangscope::ftrace::testing
