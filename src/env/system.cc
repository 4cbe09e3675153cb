#include "env/system.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace hangscope::env {

namespace {

class RealSystem final : public System {
 public:
  Result<std::string> read_file(const std::string& path) override {
    constexpr size_t kMax = 64u << 20;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
    std::string text;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() <= kMax) text.append(buf, n);
    int err = std::ferror(f) ? errno : 0;
    std::fclose(f);
    if (err) return make_error(fmt::format("{}: {}", path, std::strerror(err)));
    if (text.size() > kMax) return make_error(fmt::format("{}: larger than 64 MiB", path));
    return text;
  }

  bool exists(const std::string& path) override { return access(path.c_str(), F_OK) == 0; }

  Result<std::vector<std::string>> list_dir(const std::string& path) override {
    DIR* d = opendir(path.c_str());
    if (!d) return make_error(fmt::format("{}: {}", path, std::strerror(errno)));
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<ProcessOutput> run(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) override {
    return run_bounded(argv, timeout);
  }

  std::string machine() override {
    utsname u{};
    if (uname(&u) != 0) return {};
    return u.machine;
  }

  std::string cpuid_hypervisor() override {
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 31))) return {};  // no hypervisor bit: bare metal
    __cpuid(0x40000000, a, b, c, d);
    char sig[13] = {};
    std::memcpy(sig, &b, 4);
    std::memcpy(sig + 4, &c, 4);
    std::memcpy(sig + 8, &d, 4);
    return std::string(sig, 12);
#else
    return {};
#endif
  }

  std::string getenv(const std::string& name) override {
    const char* v = std::getenv(name.c_str());
    return v ? v : "";
  }
};

}  // namespace

std::unique_ptr<System> make_real_system() { return std::make_unique<RealSystem>(); }

}  // namespace hangscope::env
