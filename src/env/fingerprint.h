// Fingerprint: one machine's environment (or a group of machines), as flat named attributes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hangscope::env {

/// The schema tag written in every fingerprint file.
inline constexpr std::string_view kSchema = "hangscope-env/1";

/// How the strings of an attribute are to be read.
enum class AttrKind {
  kScalar,   ///< one value on one machine ("value" in JSON)
  kSet,      ///< several values present together on one machine: modules, fs types ("values")
  kSeen,     ///< alternatives seen across the machines a group file stands for ("seen");
             ///< compare counts each listed value as one observation
  kMissing,  ///< not collected; `reason` says why ("missing")
};

/// One attribute. Numbers are kept as their decimal text; `numeric` remembers that the JSON
/// value was a number so it is written back as one.
struct AttrValue {
  AttrKind kind = AttrKind::kMissing;
  std::vector<std::string> values;  ///< empty for kMissing; exactly one for kScalar
  bool numeric = false;             ///< the JSON values were numbers
  std::string reason;               ///< why it is missing (kMissing only)
  std::string source;               ///< where it came from ("/proc/modules"); may be empty

  /// One string value.
  static AttrValue scalar(std::string v, std::string source = {});
  /// One integer value, written as a JSON number (MiB, counts, sysctl values).
  static AttrValue number(long long v, std::string source = {});
  /// Values present together on one machine (modules, fs types).
  static AttrValue set(std::vector<std::string> vs, std::string source = {});
  /// Not collected, with the reason ("no /sys/class/dmi/id/ ...").
  static AttrValue missing(std::string why);
  /// False for kMissing.
  bool known() const { return kind != AttrKind::kMissing; }
};

/// A fingerprint: attributes by dotted name ("kernel.release", "config.CONFIG_LOCKDEP").
struct Fingerprint {
  std::string label;  ///< free text ("seed: machines where sync hung"); may be empty
  std::map<std::string, AttrValue> attrs;

  /// The attribute, or nullptr when absent.
  const AttrValue* find(std::string_view name) const;
  /// The first value of a known attribute, or `fallback` when absent or missing.
  std::string first_or(std::string_view name, std::string fallback) const;
};

/// Serialises to the hangscope-env/1 JSON text (2-space indented, invalid UTF-8 replaced).
std::string to_json_text(const Fingerprint& fp);

/// Parses hangscope-env/1 JSON text. `origin` (a file name) prefixes every error, which is one
/// line: "A.json: not JSON (syntax error at byte 17)", "A.json: attribute 'x': ...".
Result<Fingerprint> parse_fingerprint(std::string_view text, std::string_view origin);

/// Reads and parses a fingerprint file (at most 64 MiB); errors name the file.
Result<Fingerprint> load_fingerprint(const std::string& path);

}  // namespace hangscope::env
