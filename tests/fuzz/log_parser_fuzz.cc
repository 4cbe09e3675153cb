// libFuzzer target for the kernel-log parser: arbitrary bytes through the line splitter, the
// prefix stripper, the report splitter, titles, classification, the collectors, the
// Snapshot builder and the /dev/kmsg record converter. Any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
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
  (void)titles;
  (void)hangscope::log::kmsg_record_to_line(text.substr(0, 512));
  return 0;
}
