// libFuzzer target: function_graph text through the line reader, the parser, the per-task
// stacks, stuck rendering and both diff walks (GOOD = BAD = the input).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "ftrace/context_tree.h"
#include "ftrace/diff.h"
#include "ftrace/diff_walk.h"
#include "ftrace/line_reader.h"
#include "ftrace/stuck.h"
#include "ftrace/trace_scan.h"

using namespace hangscope::ftrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = ::memfd_create("ftrace-fuzz", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (::write(fd, data, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return 0;
  }
  NoiseFilter noise = NoiseFilter::defaults();
  ContextTree tree;
  {
    ::lseek(fd, 0, SEEK_SET);
    LineReader reader(fd, "fuzz", 4096);
    ContextTreeBuilder builder(tree);
    StepNormalizer norm(noise, 0, builder);
    CallStackTracker tracker(&norm);
    auto st = scan_trace(reader, tracker);
    norm.finish();
    builder.finish();
    StuckReport r = stuck_from_tracker(tracker, "fuzz", "");
    (void)render_stuck_text(r);
    (void)stuck_to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)st;
  }
  {
    ::lseek(fd, 0, SEEK_SET);
    LineReader reader(fd, "fuzz", 4096);
    BadWalker walker(tree, 3, 4);
    StepNormalizer norm(noise, 0, walker);
    CallStackTracker tracker(&norm);
    (void)scan_trace(reader, tracker);
    norm.finish();
    DiffReport report;
    walker.finish(report);
    GoodAnchor anchor = walker.result(report);
    if (anchor.valid) {
      ::lseek(fd, 0, SEEK_SET);
      LineReader again(fd, "fuzz", 4096);
      GoodContextFinder finder(tree, anchor, 3);
      StepNormalizer n2(noise, 0, finder);
      CallStackTracker t2(&n2);
      (void)scan_trace(again, t2, finder.done());
      report.good_context = finder.take();
    }
    (void)render_diff_text(report);
    (void)diff_to_json(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  ::close(fd);
  return 0;
}
