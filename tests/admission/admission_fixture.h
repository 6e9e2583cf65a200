// Shared fixture for the admission tests: a migrated SQLite store in a temp
// dir, a station secret, units registered the way the MES does, and helpers
// to run an admission check the way the authenticators do (the transaction
// commits even on a refusal).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "evprov/pipeline/admission.h"
#include "evprov/pki/credentials.h"
#include "evprov/store/store.h"
#include "evprov/units/units.h"
#include "pki/ossl.h"
#include "support/temp_dir.h"

namespace evprov::pipeline::test {

class AdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = dir_.File("admission.db");
    options.synchronous_full = false;
    auto s = store::OpenSqliteStore(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store::MigrateToLatest(*store_).ok());
    std::string secret_path = dir_.File("station.secret");
    ASSERT_TRUE(pki::StationSecret::Create(secret_path).ok());
    auto loaded = pki::StationSecret::Load(secret_path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    secret_ = std::make_shared<const pki::StationSecret>(std::move(loaded).value());
  }

  Status Write(const std::function<Status(store::Transaction&)>& fn) {
    return store::InTransaction(*store_, store::TxMode::kWrite, fn);
  }

  std::int64_t Register(const std::string& hardware_id) {
    std::int64_t id = 0;
    Status s = Write([&](store::Transaction& tx) -> Status {
      units::NewUnit unit;
      unit.hardware_id = hardware_id;
      unit.hardware_revision = "B";
      EVPROV_ASSIGN_OR_RETURN(id, units::RegisterUnit(tx, unit, "mes"));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  std::string IssueBootstrap(std::int64_t unit_id) {
    std::string out;
    Status s = Write([&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(auto value, IssueBootstrapSecret(tx, *secret_, unit_id, "mes"));
      out = value.reveal();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  std::string IssuePassword(std::int64_t unit_id) {
    std::string out;
    Status s = Write([&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(auto value,
                              pki::IssueUnitPassword(tx, *secret_, unit_id, {}, "pipeline"));
      out = value.reveal();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // Gives the unit a serial and charger ID (what the identity step does).
  void SetIdentity(std::int64_t unit_id, const std::string& serial, const std::string& charger_id) {
    Status s = Write([&](store::Transaction& tx) -> Status {
      return tx
          .Exec("UPDATE units SET serial = ?, charger_id = ? WHERE id = ?",
                {serial, charger_id, unit_id})
          .status();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  // Records a charging_station certificate of the unit (PEM file) under a
  // test CA row, as issuance would; revoked if asked.
  void RecordUnitCertificate(std::int64_t unit_id, const std::string& cert_file,
                             bool revoked = false) {
    std::ifstream in(cert_file);
    std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto cert = pki::ossl::ParseCertPem(pem, "test.cert");
    ASSERT_TRUE(cert.ok());
    std::string fingerprint = pki::ossl::CertFingerprintHex(cert->get());
    ++cert_rows_;
    std::string n = std::to_string(cert_rows_);
    Status s = Write([&](store::Transaction& tx) -> Status {
      EVPROV_TRY(
          tx.Exec("INSERT INTO pki_cas (name, environment, environment_kind, role, parent, "
                  "key_backend, key_locator, secret_source, subject, serial_hex, not_before, "
                  "not_after, fingerprint_sha256, spki_sha256, certificate_pem, allow_ec_p256, "
                  "allow_ec_p384, min_rsa_bits, leaf_validity_days, crl_validity_days, "
                  "next_crl_number, created_by, created_at) VALUES ('test-root', 'test', "
                  "'staging', 'root', NULL, 'file', 'x', 'none', 'CN=t', '01', 't', 't', 'fp', "
                  "'spki', 'pem', 1, 0, 0, 1, 1, 1, 'test', 't') ON CONFLICT DO NOTHING")
              .status());
      return tx
          .Exec(
              "INSERT INTO certificates (unit_id, ca_name, usage, serial_hex, subject, "
              "fingerprint_sha256, spki_sha256, not_before, not_after, certificate_pem, "
              "issued_by, issued_at, revoked_at, revocation_reason) VALUES (?, 'test-root', "
              "'charging_station', ?, 'CN=x', ?, ?, 't', 't', ?, 'test', 't', ?, ?)",
              {unit_id, "AB" + n, fingerprint, "spki" + n, pem,
               revoked ? store::Value("t") : store::Value(),
               revoked ? store::Value("superseded") : store::Value()})
          .status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void MoveTo(std::int64_t unit_id, units::UnitState state) {
    Status s = Write([&](store::Transaction& tx) -> Status {
      return units::SetState(tx, unit_id, state, "identify", "test reason", "test");
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  static ocpp::HandshakeInfo Basic(const std::string& identity,
                                   std::optional<std::string> password) {
    ocpp::HandshakeInfo h;
    h.identity = identity;
    h.subprotocol = "ocpp2.0.1";
    h.profile = ocpp::SecurityProfile::kTlsBasicAuth;
    h.password = std::move(password);
    h.remote_address = "192.0.2.7:50000";
    return h;
  }

  // Runs the check and commits, like the authenticators.
  Result<Admission> Admit(bool factory, const ocpp::HandshakeInfo& handshake) {
    std::optional<Result<Admission>> result;
    Status s = Write([&](store::Transaction& tx) -> Status {
      result.emplace(factory ? AdmitFactory(tx, *secret_, handshake)
                             : AdmitValidation(tx, *secret_, handshake));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!result) return Status::Internal("not run");
    return *std::move(result);
  }

  std::vector<audit::Entry> AuditEntries(const std::string& action) {
    std::vector<audit::Entry> out;
    Status s = store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(auto all, audit::List(tx, 0, 10000));
      for (auto& e : all) {
        if (e.action == action) out.push_back(std::move(e));
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // The detail of the last admission.refused entry ({} when there is none).
  nlohmann::json LastRefusal() {
    auto entries = AuditEntries("admission.refused");
    if (entries.empty()) return nlohmann::json::object();
    return nlohmann::json::parse(entries.back().detail);
  }

  // Every audit detail and log line, to assert a secret appears in none.
  std::string EverythingRecorded() {
    std::string all = logs_.sink().Joined();
    Status s = store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(auto entries, audit::List(tx, 0, 10000));
      for (const auto& e : entries) all += e.object + " " + e.detail + "\n";
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return all;
  }

  log::ScopedCapture logs_;
  evprov::test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<const pki::StationSecret> secret_;
  int cert_rows_ = 0;
};

}  // namespace evprov::pipeline::test
