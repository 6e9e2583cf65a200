// End-to-end tests: a demo directory prepared by `evprov demo --prepare-only`
// (store, CAs, station TLS identity, registered units, station.yaml, fleet
// manifest), then `evprov serve` and `evprov-sim fleet` as real processes,
// as on a line. Helpers to start them and to read the outcome from the store.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "evprov/common/process.h"
#include "evprov/pki/issuance.h"
#include "evprov/store/store.h"
#include "evprov/units/units.h"
#include "pipeline/journal.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace evprov::test {

inline const std::string kEvprov = std::string(EVPROV_BINARY_DIR) + "/evprov";
inline const std::string kEvprovSim = std::string(EVPROV_BINARY_DIR) + "/evprov-sim";

struct PreparedDemo {
  std::string dir, store, config, manifest, trust, factory_url;
  int units = 0;
};

// Runs `evprov demo --prepare-only` as a child process, then points this
// process's SOFTHSM2_CONF at the demo's token directory, so that the station
// and fleet started next inherit it. A child, not in-process: the SoftHSM2
// module reads its configuration once per process, so a second test in the
// same process would otherwise reach the first test's tokens.
inline PreparedDemo Prepare(const TempDir& dir, int units, const std::string& env) {
  const std::string out_file = dir.File("prepare.out");
  const std::string err_file = dir.File("prepare.err");
  auto child =
      ChildProcess::Start({kEvprov, "--json", "demo", "--prepare-only", "--dir", dir.File("demo"),
                           "--units", std::to_string(units), "--env", env},
                          {.stdout_file = out_file, .stderr_file = err_file});
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  const std::optional<int> code =
      child.ok() ? child->Wait(std::chrono::minutes(3)) : std::optional<int>();
  EXPECT_EQ(code, 0) << ReadTextFile(err_file);
  const std::string out = ReadTextFile(out_file);
  auto start = out.find('{');
  auto j =
      nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start), nullptr, false);
  PreparedDemo p;
  if (j.is_discarded()) {
    ADD_FAILURE() << "demo --prepare-only printed no JSON: " << out;
    return p;
  }
  p.dir = j["dir"];
  p.store = j["store"];
  p.config = j["config"];
  p.manifest = j["manifest"];
  p.trust = j["trust"];
  p.factory_url = j["factory_url"];
  p.units = j["staging_units"].get<int>() + j["production_units"].get<int>();
  setenv("SOFTHSM2_CONF", j["softhsm_conf"].get<std::string>().c_str(), 1);
  return p;
}

inline Result<ChildProcess> StartStation(const PreparedDemo& p, int run) {
  return ChildProcess::Start({kEvprov, "--log-level", "info", "serve", "--config", p.config},
                             {.stdout_file = p.dir + "/station.out",
                              .stderr_file = p.dir + "/station-" + std::to_string(run) + ".log"});
}

// The fleet runs until it is sent SIGTERM: the station, not the chargers,
// knows when a unit's journey is over (a charger counts itself provisioned
// when it leaves factory mode, before finalize and the seal are done).
inline Result<ChildProcess> StartFleet(const PreparedDemo& p,
                                       const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {
      kEvprovSim,    "fleet",           "--manifest", p.manifest,     "--factory-url",
      p.factory_url, "--trust",         p.trust,      "--state-root", p.dir + "/sim",
      "--json",      "--boot-delay-ms", "100"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return ChildProcess::Start(
      argv, {.stdout_file = p.dir + "/fleet-summary.json", .stderr_file = p.dir + "/fleet.log"});
}

// What the store says about the batch.
struct BatchOutcome {
  int units = 0;
  int ready = 0;
  std::size_t failed = 0;
  std::vector<std::string> not_ready;  // "hw: state step reason"
  std::set<std::string> serials;
  std::set<std::string> charger_ids;
  int units_with_one_valid_certificate = 0;
  std::int64_t sealed = 0;  // units with a "seal done" journal record
};

inline BatchOutcome ReadOutcome(const PreparedDemo& p) {
  BatchOutcome out;
  auto s = store::OpenStore(p.store);
  if (!s.ok()) {
    ADD_FAILURE() << s.status().ToString();
    return out;
  }
  Status st =
      store::InTransaction(**s, store::TxMode::kRead, [&](store::Transaction& tx) -> Status {
        EVPROV_ASSIGN_OR_RETURN(auto all, units::ListUnits(tx, {}, 10000));
        for (const auto& u : all) {
          ++out.units;
          if (u.state == units::UnitState::kReady) {
            ++out.ready;
          } else {
            if (u.state == units::UnitState::kFailed) ++out.failed;
            out.not_ready.push_back(u.hardware_id + ": " +
                                    std::string(units::UnitStateName(u.state)) + " " +
                                    u.step.value_or("") + " " + u.failure_reason.value_or(""));
          }
          if (u.serial) out.serials.insert(*u.serial);
          if (u.charger_id) out.charger_ids.insert(*u.charger_id);
          EVPROV_ASSIGN_OR_RETURN(auto certs, pki::ListUnitCertificates(tx, u.id));
          int valid = 0;
          for (const auto& c : certs) valid += c.revoked_at ? 0 : 1;
          if (valid == 1) ++out.units_with_one_valid_certificate;
        }
        EVPROV_ASSIGN_OR_RETURN(out.sealed, pipeline::CountSealedUnits(tx));
        return Status::Ok();
      });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// The fleet sees a unit provisioned when it leaves factory mode, a moment
// before the station records it ready (finalize still reads the snapshot):
// poll the store until every unit is ready or failed, bounded.
inline BatchOutcome WaitForOutcome(const PreparedDemo& p, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  BatchOutcome out = ReadOutcome(p);
  while (out.ready + static_cast<int>(out.failed) < out.units &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    out = ReadOutcome(p);
  }
  return out;
}

}  // namespace evprov::test
