// libFuzzer target for the kernel-log parser: arbitrary bytes through the line splitter, the
// prefix stripper, the report splitter, titles, classification, the collectors, the
// Snapshot builder and the /dev/kmsg record converter. Any crash or sanitizer report is a bug,
// and so is a --titles fast path whose titles differ from the full analysis's.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "log/kmsg_reader.h"
#include "log/log_parser.h"
#include "log/to_snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  hangscope::log::LogDigest d = hangscope::log::parse_log_text(text);
  hangscope::model::Snapshot s = hangscope::log::to_snapshot(d);
  (void)s;
  auto titles = hangscope::log::titles_of(text);
  if (d.events_dropped == 0) {
    if (titles.size() != d.events.size()) std::abort();
    for (std::size_t i = 0; i < titles.size(); ++i)
      if (titles[i] != d.events[i].title) std::abort();
  }
  (void)hangscope::log::kmsg_record_to_line(text.substr(0, 512));
  return 0;
}
