// The station: the factory CSMS that takes a charger from its first factory
// connection to `ready`, one journaled step at a time (docs/pipeline.md).
//
// A Station listens on the factory endpoint (profile 2: TLS + Basic auth with
// the unit's one-time bootstrap secret; optionally profile 3 with the unit's
// IDevID) and on one validation endpoint per environment (that environment's
// security profile, the station's server certificate). Each unit runs the
// transition table (src/pipeline/transitions.cc): admit -> identify -> read
// back -> firmware -> identity -> configure -> credentials -> certificates ->
// network -> validate -> finalize. Every step commits its journal record and
// the unit's state/step in one transaction; a restarted Station resumes each
// unit at its step when its charger connects again.
//
// Minimal use (tests, `evprov serve`, `evprov demo`):
//   pipeline::StationOptions o;
//   o.store = store.get(); o.secret = &secret;
//   o.host = "localhost"; o.tls = {chain, key}; o.station_root_file = root;
//   o.environments = {"staging"};
//   pipeline::Station station(o);
//   EVPROV_TRY(station.Start());  // ports: station.factory_port(), validation_port("staging")
//
// Ownership: the Station borrows the store and the secret (they must outlive
// it) and owns its listeners and threads. Stop (or the destructor) closes
// every connection and joins; journaled progress stays in the store.
// Thread-safety: every method may be called from any thread, except Stop and
// the destructor from inside on_unit_finished.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/pki/credentials.h"
#include "evprov/store/store.h"

namespace evprov::pipeline {

// How long one attempt of a step may take and how often it is tried.
struct StepLimits {
  std::chrono::milliseconds timeout{30000};  // per OCPP call and per awaited message
  int attempts = 3;                          // a transient failure (drop, timeout) is retried
};

struct UnitOutcome {
  std::int64_t unit_id = 0;
  std::string hardware_id;
  std::string state;                     // "ready" | "failed"
  std::string step;                      // the last step (the failed one)
  std::string reason;                    // failure reason; empty when ready
  std::chrono::milliseconds elapsed{0};  // since this station first saw the unit
};

struct StationOptions {
  store::Store* store = nullptr;               // borrowed; migrated to the latest schema
  const pki::StationSecret* secret = nullptr;  // borrowed; keys the password hashes
  // The host name chargers are given for the validation endpoint; the server
  // certificate must carry it (chargers check it).
  std::string host = "localhost";
  std::string bind_address = "127.0.0.1";
  // The station's server certificate (PEM chain, leaf first) and key.
  std::string tls_chain_file;
  std::string tls_key_file;
  // The station root (PEM): the validation root installed on each charger as a
  // CSMSRootCertificate for the validation endpoint, removed in finalize.
  std::string station_root_file;
  // Profile-3 factory listener for IDevID units: the manufacturer CA bundle
  // (also installed as ManufacturerRootCertificate). Empty: no such listener.
  std::string manufacturer_ca_file;
  // Environments with a validation listener (by name; each needs its CA).
  std::vector<std::string> environments;
  // Ports: 0 picks an ephemeral one (see factory_port / validation_port).
  std::uint16_t factory_port = 0;
  std::uint16_t idevid_port = 0;
  std::map<std::string, std::uint16_t> validation_ports;  // by environment
  // Where the station writes files its listeners need (client CA bundles).
  // Empty: a new temporary directory, removed on Stop.
  std::string runtime_dir;
  int threads = 2;                                // OCPP I/O threads per listener
  int pipeline_threads = 2;                       // threads running the units' steps
  StepLimits default_limits;                      // for every step without its own entry
  std::map<std::string, StepLimits> step_limits;  // by step name ("configure", ...)
  // Seconds a charger waits before repeating a BootNotification while Pending.
  int pending_interval_s = 10;
  std::string actor = "station";  // audit actor
  // Optional: called once when a unit ends `ready` or `failed` (any thread).
  std::function<void(const UnitOutcome&)> on_unit_finished;
};

// Per-step timing (milliseconds of the successful attempts).
struct StepStats {
  std::int64_t done = 0;
  std::int64_t failed = 0;
  std::int64_t retried = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
};

struct Progress {
  std::map<std::string, std::int64_t> units_by_state;  // units this station has seen
  std::map<std::string, std::int64_t> units_by_step;   // units currently in each step
  std::map<std::string, StepStats> steps;              // by step name
  std::int64_t connections = 0;
};

class Station {
 public:
  explicit Station(StationOptions options);
  ~Station();  // Stop()
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  // Loads the environments and their chains, opens the listeners.
  // kInvalidArgument for incomplete options, kNotFound for an unknown environment.
  Status Start();
  // Closes every connection, stops the steps in flight (they resume on the
  // next Start), joins. Idempotent.
  void Stop();

  std::uint16_t factory_port() const;
  std::uint16_t idevid_port() const;                                  // 0 without a manufacturer CA
  std::uint16_t validation_port(std::string_view environment) const;  // 0 if unknown
  // "wss://<host>:<factory port>/ocpp/": what a charger's factory endpoint is.
  std::string factory_url() const;

  // A consistent copy of the counters; cheap.
  Progress progress() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The step names in journey order ("admit", "identify", ..., "finalize").
const std::vector<std::string>& StepNames();

}  // namespace evprov::pipeline
