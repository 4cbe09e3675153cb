// watch's flight-recorder and exec-hook options (--record*, --exec*): declared on the App,
// then checked and turned into watch::IncidentOptions.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/result.h"
#include "watch/incident_sinks.h"

namespace hangscope::cli {

/// The options as typed (defaults filled in).
struct IncidentFlags {
  std::string record;
  std::string max_size = "100M";
  std::size_t max_records = 100;
  std::uint32_t burst = 3;
  std::string interval = "5m";
  std::string max_interval = "1h";
  std::size_t queue = 4;
  std::string exec;
  std::string exec_timeout = "10s";
};

/// Declares the options on `app`, bound to `flags`.
void add_incident_flags(CLI::App& app, IncidentFlags& flags);

/// The checked options; an error names the option and the value ("--record-interval 'x': ...").
Result<watch::IncidentOptions> incident_options(const IncidentFlags& flags);

}  // namespace hangscope::cli
