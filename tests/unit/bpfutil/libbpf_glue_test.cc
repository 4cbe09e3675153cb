// The libbpf glue without loading any program (no root needed): messages, ownership, errors.
#include "bpfutil/libbpf_glue.h"

#include <gtest/gtest.h>

#include <cstring>

namespace hangscope::bpfutil {
namespace {

TEST(LibbpfGlue, KeepsLibbpfsLastWarning) {
  capture_libbpf_messages();
  bpf_object* obj = bpf_object__open_file("/nonexistent/hangscope-test.bpf.o", nullptr);
  ASSERT_EQ(obj, nullptr);
  const std::string& m = last_libbpf_message();
  EXPECT_NE(m.find("/nonexistent/hangscope-test.bpf.o"), std::string::npos) << m;
  EXPECT_NE(m.back(), '\n');
}

int destroyed = 0;
void destroy_int(int* p) {
  ++destroyed;
  delete p;
}

TEST(LibbpfGlue, OwnedDestroysWithItsFunctionOnce) {
  destroyed = 0;
  {
    Owned<int, destroy_int> a(new int(1));
    Owned<int, destroy_int> b = std::move(a);
    Owned<int, destroy_int> none;
  }
  EXPECT_EQ(destroyed, 1);
}

TEST(LibbpfGlue, FailedMapCallKeepsErrno) {
  __u32 key = 1;
  Status s = delete_elem(-1, &key);  // not a map: EBADF (EPERM without the right to use bpf())
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().sys_errno, 0);
  EXPECT_EQ(s.error().message,
            std::string("deleting from a BPF map: ") + std::strerror(s.error().sys_errno));
}

TEST(LibbpfGlue, WalkOfAnUnusableMapCallsNothing) {
  int calls = 0;
  for_each_entry<__u32, __u64>(-1, 16, [&](__u32, __u64) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace hangscope::bpfutil
