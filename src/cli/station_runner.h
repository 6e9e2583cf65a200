// A Station started from `evprov serve`'s configuration: shared by `serve`
// (until a signal) and `demo` (until the batch is done). Private to src/cli.
#pragma once

#include <functional>
#include <memory>

#include "cli/serve_config.h"
#include "evprov/common/status.h"
#include "evprov/pipeline/station.h"
#include "evprov/pki/credentials.h"
#include "evprov/store/store.h"

namespace evprov::cli {

// Owns the station and the secret it borrows (declared first: destroyed last).
struct RunningStation {
  std::unique_ptr<pki::StationSecret> secret;
  std::unique_ptr<pipeline::Station> station;
};

// Loads the station secret, builds the options and starts the listeners.
// `store` must outlive the result.
Result<RunningStation> StartStation(
    const ServeConfig& config, store::Store& store,
    std::function<void(const pipeline::UnitOutcome&)> on_unit_finished = {});

}  // namespace evprov::cli
