// The demo's preparation: everything a factory does before the first charger
// connects, done by running evprov's own commands in this process, each one
// shown to the reader as the command line an operator would type. Used by
// `evprov demo` and, through `evprov demo --prepare-only`, by the end-to-end
// tests and the pipeline benchmark, which then run `evprov serve` and
// `evprov-sim fleet` as separate processes.
//
// In the directory it prepares: evprov.db (the store), station.secret,
// keys/ (file CA keys) and softhsm/ (the production CA's token), tls/ (the
// station's server certificate, key and root), station.yaml (the `evprov
// serve` configuration, with free ports picked now) and manifest.csv (the
// fleet manifest with each unit's one-time bootstrap secret; mode 0600).
//
// Thread-safety: call from one thread (it sets environment variables).
#pragma once

#include <functional>
#include <string>

#include "evprov/common/status.h"

namespace evprov::cli {

struct DemoPlan {
  std::string dir;      // created if missing; must not hold a store yet
  std::string catalog;  // the catalog directory (environments/, variants/)
  int units = 12;
  // "both": units alternate between staging (wallbox-ac22, profile 2) and
  // production (dc150, profile 3); or only "staging" / "production".
  std::string environments = "both";
  std::string host = "localhost";  // the name the chargers are given
  std::string faults;              // simulator fault flags for every unit (';'-separated)
};

struct DemoFiles {
  std::string dir;
  std::string store_url;
  std::string config_file;    // station.yaml
  std::string manifest_file;  // manifest.csv
  std::string trust_file;     // tls/root.pem: what the chargers trust for the factory endpoint
  std::string factory_url;    // wss://<host>:<port>/ocpp
  std::string softhsm_conf;   // SOFTHSM2_CONF for a station in another process
  int staging_units = 0;
  int production_units = 0;
};

// say() receives each step as a line ("$ evprov ca init --env staging ...").
Result<DemoFiles> PrepareDemo(const DemoPlan& plan, const std::function<void(std::string)>& say);

}  // namespace evprov::cli
