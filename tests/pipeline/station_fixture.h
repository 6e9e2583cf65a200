// End-to-end fixture for the station: a migrated SQLite store in a temp dir,
// the example catalog (variants approved), two environments with file-key CAs
// made at test time — "staging" (profile 2) and "prodlike", a test-only copy of
// production with kind staging (file keys are refused in production) and
// security profile 3 — a station CA and server certificate for
// 127.0.0.1/localhost (test_pki.h), and simulated chargers (sim::Unit) on a
// shared runtime that connect with their one-time bootstrap secret.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "evprov/catalog/loader.h"
#include "evprov/catalog/repository.h"
#include "evprov/pipeline/admission.h"
#include "evprov/pipeline/station.h"
#include "evprov/pki/ca.h"
#include "evprov/pki/credentials.h"
#include "evprov/sim/unit.h"
#include "evprov/store/store.h"
#include "evprov/units/units.h"
#include "pipeline/journal.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace evprov::pipeline::testing {

using namespace std::chrono_literals;

inline const std::string kCatalog = std::string(EVPROV_SOURCE_DIR) + "/examples/catalog";
inline constexpr char kPassVariable[] = "EVPROV_PIPELINE_TEST_CA_PASS";

struct TestUnit {
  std::int64_t id = 0;
  std::string hardware_id;
  std::string bootstrap;  // secret
  catalog::Variant variant;
};

// The unit's journal, oldest first (a failed read fails the test).
inline std::vector<JournalRecord> Journal(store::Store& store, std::int64_t unit) {
  std::vector<JournalRecord> out;
  EXPECT_TRUE(store::InTransaction(store, store::TxMode::kRead, [&](store::Transaction& tx) {
                EVPROV_ASSIGN_OR_RETURN(out, ReadJournal(tx, unit));
                return Status::Ok();
              }).ok());
  return out;
}

class StationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv(kPassVariable, "pipeline-test-passphrase", 1);
    auto s = store::OpenStore(dir_.File("evprov.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store::MigrateToLatest(*store_).ok());
    ASSERT_TRUE(pki::StationSecret::Create(dir_.File("station.secret")).ok());
    auto secret = pki::StationSecret::Load(dir_.File("station.secret"));
    ASSERT_TRUE(secret.ok());
    secret_ = std::make_unique<pki::StationSecret>(std::move(secret).value());
    station_ca_ = pki_.CreateCa("station-root");
    server_cert_ = pki_.IssueServer(station_ca_, "station");
    ASSERT_TRUE(Write([&](store::Transaction& tx) { return ImportCatalog(tx); }).ok());
    runtime_ = std::make_shared<ocpp::Runtime>(2);
  }

  void TearDown() override {
    units_.clear();
    if (station_) station_->Stop();
    station_.reset();
    if (runtime_) runtime_->Stop();
    unsetenv(kPassVariable);
  }

  Status Write(const std::function<Status(store::Transaction&)>& fn) {
    return store::InTransaction(*store_, store::TxMode::kWrite, fn);
  }

  pki::CaInitOptions FileCa(const std::string& env) const {
    pki::CaInitOptions o;
    for (auto* k : {&o.root, &o.issuing}) {
      k->key.backend = pki::KeyBackend::kFile;
      k->key.secret = {pki::SecretSource::Kind::kEnv, kPassVariable};
    }
    o.root.key.path = dir_.File(env + "-root.key.pem");
    o.issuing.key.path = dir_.File(env + "-issuing.key.pem");
    return o;
  }

  Status ImportCatalog(store::Transaction& tx) {
    EVPROV_ASSIGN_OR_RETURN(auto staging,
                            catalog::LoadEnvironmentFile(kCatalog + "/environments/staging.yaml"));
    EVPROV_ASSIGN_OR_RETURN(
        auto prodlike, catalog::LoadEnvironmentFile(kCatalog + "/environments/production.yaml"));
    prodlike.name = "prodlike";
    prodlike.kind = "staging";  // test-only: production refuses file-key CAs
    prodlike.issuing_ca = "prodlike-issuing-ca";
    for (const auto* env : {&staging, &prodlike}) {
      EVPROV_TRY(catalog::ImportEnvironment(tx, *env, "test", "eva").status());
      EVPROV_TRY(pki::InitCa(tx, *env, FileCa(env->name), "eva").status());
    }
    for (const char* name : {"wallbox-ac22", "dc150"}) {
      EVPROV_ASSIGN_OR_RETURN(auto variant,
                              catalog::LoadVariantFile(kCatalog + "/variants/" + name + ".yaml"));
      EVPROV_ASSIGN_OR_RETURN(int version, catalog::ImportVariant(tx, variant, "test", "eva"));
      EVPROV_TRY(catalog::ApproveVariant(tx, variant.name, version, "otto"));
    }
    for (const auto& [id, variant, env] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"WO-S-AC", "wallbox-ac22", "staging"},
             {"WO-S-DC", "dc150", "staging"},
             {"WO-P-AC", "wallbox-ac22", "prodlike"},
             {"WO-P-DC", "dc150", "prodlike"}}) {
      catalog::WorkOrder order;
      order.id = id;
      order.variant_name = variant;
      order.variant_version = 1;
      order.environment = env;
      order.quantity = 20;
      order.customer = "Example CPO GmbH";
      EVPROV_TRY(catalog::CreateWorkOrder(tx, order, "lina"));
    }
    return Status::Ok();
  }

  // Registers a unit on the order and issues its bootstrap secret.
  TestUnit Register(const std::string& hardware_id, const std::string& order) {
    TestUnit u;
    u.hardware_id = hardware_id;
    Status s = Write([&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(auto rec, catalog::GetWorkOrder(tx, order));
      EVPROV_ASSIGN_OR_RETURN(
          u.variant, catalog::GetVariant(tx, rec.order.variant_name, rec.order.variant_version));
      units::NewUnit n;
      n.hardware_id = hardware_id;
      n.hardware_revision = u.variant.hardware_revisions.front();
      n.work_order_id = order;
      EVPROV_ASSIGN_OR_RETURN(u.id, units::RegisterUnit(tx, n, "mes"));
      EVPROV_ASSIGN_OR_RETURN(auto secret, IssueBootstrapSecret(tx, *secret_, u.id, "mes"));
      u.bootstrap = secret.reveal();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return u;
  }

  StationOptions Options() {
    StationOptions o;
    o.store = store_.get();
    o.secret = secret_.get();
    o.host = "localhost";
    o.tls_chain_file = server_cert_.cert;
    o.tls_key_file = server_cert_.key;
    o.station_root_file = station_ca_.cert;
    o.environments = {"staging", "prodlike"};
    o.default_limits.timeout = 10s;
    o.pending_interval_s = 5;
    return o;
  }

  void StartStation(StationOptions o) {
    station_ = std::make_unique<Station>(std::move(o));
    Status s = station_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void StartStation() { StartStation(Options()); }

  sim::ChargerConfig ChargerFor(const TestUnit& u, const std::vector<std::string>& faults = {}) {
    sim::ChargerConfig c;
    c.hardware_id = u.hardware_id;
    c.vendor_name = u.variant.vendor_name;
    c.model = u.variant.model;
    c.hardware_revision = u.variant.hardware_revisions.front();
    c.firmware_version = u.variant.firmware.version;
    c.iccid = "8949000000000000001";
    c.imsi = "262010000000001";
    c.layout = u.variant.evses;
    c.factory_endpoint = station_->factory_url();
    c.bootstrap_secret = u.bootstrap;
    c.factory_trust_file = station_ca_.cert;
    c.state_dir = dir_.File("units/" + u.hardware_id);
    c.boot_delay = 100ms;
    c.retry_interval = std::chrono::seconds(1);
    // Small report parts: every journey's two full reports arrive in several
    // NotifyReport parts that the station must put together again.
    c.report_part_bytes = 4096;
    auto parsed = sim::ParseFaults(faults);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    if (parsed.ok()) c.faults = *parsed;
    return c;
  }

  sim::Unit& StartCharger(const sim::ChargerConfig& config) {
    sim::UnitOptions o;
    o.reconnect_delay = 200ms;
    o.connect_timeout = 5s;
    units_.push_back(std::make_unique<sim::Unit>(config, runtime_, o));
    Status s = units_.back()->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return *units_.back();
  }

  units::Unit GetUnit(std::int64_t id) {
    units::Unit out;
    Status s = store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(out, units::GetUnit(tx, id));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // Polls the store until the unit is ready or failed (bounded); returns it.
  units::Unit WaitFinished(std::int64_t id, std::chrono::milliseconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    units::Unit u = GetUnit(id);
    while (u.state != units::UnitState::kReady && u.state != units::UnitState::kFailed &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      u = GetUnit(id);
    }
    return u;
  }

  test::TempDir dir_;
  test::TestPki pki_{dir_.path()};
  test::CertFiles station_ca_;
  test::CertFiles server_cert_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<pki::StationSecret> secret_;
  std::shared_ptr<ocpp::Runtime> runtime_;
  std::unique_ptr<Station> station_;
  std::vector<std::unique_ptr<sim::Unit>> units_;
};

}  // namespace evprov::pipeline::testing
