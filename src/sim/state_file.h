// Atomic whole-file writes for the simulated charger's state (its "flash").
// Private to src/sim.
#pragma once

#include <string>

#include "evprov/common/status.h"

namespace evprov::sim {

// Writes `contents` to path.tmp, fsyncs it, renames it over `path` and fsyncs
// the directory: a reader sees the old or the new file, never a torn one.
Status WriteFileAtomically(const std::string& path, const std::string& contents);
// NotFound when the file does not exist.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace evprov::sim
