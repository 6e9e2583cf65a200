// evprov unit register (bootstrap secret) | register-batch | reprovision |
// scrap, and evprov ca init-station | server-cert.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "evprov/common/csv.h"
#include "evprov/pipeline/admission.h"
#include "evprov/pki/credentials.h"
#include "evprov/sim/manifest.h"
#include "evprov/store/store.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace evprov::test {
namespace {

using nlohmann::json;

const std::string kCatalog = std::string(EVPROV_SOURCE_DIR) + "/examples/catalog";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 0777;
}

class CliAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("EVPROV_TEST_CA_PASSPHRASE", "test-only-passphrase-made-at-runtime", 1);
    unsetenv("EVPROV_STATION_SECRET");
    db_ = dir_.File("e.db");
    ASSERT_EQ(Cli({"init"}).exit_code, 0);
  }
  CliRun Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", db_, "--actor", "mes"});
    return RunCli(args);
  }
  json CliJson(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    CliRun r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  void ImportOrder() {
    ASSERT_EQ(Cli({"env", "import", kCatalog + "/environments/staging.yaml"}).exit_code, 0);
    ASSERT_EQ(Cli({"variant", "import", kCatalog + "/variants/wallbox-ac22.yaml"}).exit_code, 0);
    CliRun r = Cli({"order", "create", "--file", kCatalog + "/orders/staging-wallbox.yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Runs AdmitFactory over the store with the station secret the CLI made.
  Status AdmitFactory(const std::string& hardware_id, const std::string& password) {
    auto s = store::OpenStore(db_);
    if (!s.ok()) return s.status();
    auto secret = pki::StationSecret::Load(dir_.File("station.secret"));
    if (!secret.ok()) return secret.status();
    ocpp::HandshakeInfo h;
    h.identity = hardware_id;
    h.profile = ocpp::SecurityProfile::kTlsBasicAuth;
    h.password = password;
    Status admitted;
    Status tx = store::InTransaction(**s, store::TxMode::kWrite, [&](store::Transaction& t) {
      admitted = pipeline::AdmitFactory(t, *secret, h).status();
      return Status::Ok();
    });
    return tx.ok() ? admitted : tx;
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(CliAdmissionTest, RegisterWritesTheBootstrapSecretToANew0600FileOnly) {
  std::string file = dir_.File("hw1.secret");
  CliRun r = Cli({"unit", "register", "--hardware-id", "HW-1", "--revision", "B",
                  "--bootstrap-secret-file", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string secret = ReadFile(file);
  ASSERT_FALSE(secret.empty());
  secret.pop_back();  // newline
  EXPECT_TRUE(pki::IsValidPassword(secret));
  EXPECT_EQ(Mode(file), 0600U);
  EXPECT_EQ(Mode(dir_.File("station.secret")), 0600U);
  EXPECT_EQ((r.out + r.err).find(secret), std::string::npos);
  EXPECT_TRUE(AdmitFactory("HW-1", secret).ok());

  // An existing file is never overwritten, and nothing is registered then.
  CliRun again = Cli({"unit", "register", "--hardware-id", "HW-2", "--revision", "B",
                      "--bootstrap-secret-file", file});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
  EXPECT_EQ(Cli({"unit", "show", "HW-2"}).exit_code, 1);
  EXPECT_EQ(ReadFile(file), secret + "\n");

  // --print-secret puts it on stdout, on request only.
  json printed =
      CliJson({"unit", "register", "--hardware-id", "HW-3", "--revision", "B", "--print-secret"});
  EXPECT_TRUE(AdmitFactory("HW-3", printed["bootstrap_secret"]).ok());
}

TEST_F(CliAdmissionTest, AFailedRegistrationLeavesNoSecretFile) {
  ASSERT_EQ(Cli({"unit", "register", "--hardware-id", "HW-1", "--revision", "B"}).exit_code, 0);
  std::string file = dir_.File("dup.secret");
  CliRun dup = Cli({"unit", "register", "--hardware-id", "HW-1", "--revision", "B",
                    "--bootstrap-secret-file", file});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_EQ(Mode(file), 0xFFFFU) << "the file was removed";
}

TEST_F(CliAdmissionTest, MissingStationSecretWithHashesIsRefused) {
  ASSERT_EQ(Cli({"unit", "register", "--hardware-id", "HW-1", "--revision", "B", "--print-secret"})
                .exit_code,
            0);
  CliRun r = Cli({"unit", "register", "--hardware-id", "HW-2", "--revision", "B", "--print-secret",
                  "--station-secret", dir_.File("elsewhere.secret")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("credential hashes"), std::string::npos) << r.err;
}

TEST_F(CliAdmissionTest, RegisterBatchWritesTheFleetManifest) {
  ImportOrder();
  std::string manifest = dir_.File("fleet.csv");
  CliRun r = Cli({"unit", "register-batch", "--order", "WO-2026-0041", "--count", "3", "--revision",
                  "A1", "--hardware-id-prefix", "WB-", "--manifest", manifest, "--variant-file",
                  kCatalog + "/variants/wallbox-ac22.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Mode(manifest), 0600U);
  std::string text = ReadFile(manifest);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "hardware_id,hardware_revision,serial,bootstrap_secret,idevid_cert,idevid_key,variant,"
            "faults");
  auto records = csv::Parse(text);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 4U);
  int rows = 0;
  for (std::size_t k = 1; k < records->size(); ++k) {
    const std::vector<std::string>& cells = (*records)[k].fields;
    ASSERT_EQ(cells.size(), 8U);
    EXPECT_EQ(cells[0], "WB-00000" + std::to_string(rows + 1));
    EXPECT_EQ(cells[1], "A1");
    EXPECT_EQ(cells[6], kCatalog + "/variants/wallbox-ac22.yaml");
    EXPECT_EQ((r.out + r.err).find(cells[3]), std::string::npos);
    EXPECT_TRUE(AdmitFactory(cells[0], cells[3]).ok()) << cells[0];
    ++rows;
  }
  EXPECT_EQ(rows, 3);
  json units = CliJson({"unit", "list", "--order", "WO-2026-0041"});
  EXPECT_EQ(units.size(), 3U);

  // All or nothing: a batch whose hardware IDs collide registers none.
  CliRun clash =
      Cli({"unit", "register-batch", "--order", "WO-2026-0041", "--count", "5", "--revision", "A1",
           "--hardware-id-prefix", "WB-", "--start", "3", "--manifest", dir_.File("clash.csv")});
  EXPECT_EQ(clash.exit_code, 1);
  EXPECT_EQ(CliJson({"unit", "list"}).size(), 3U);
  EXPECT_EQ(Mode(dir_.File("clash.csv")), 0xFFFFU);

  // Values that need quoting survive the writer and the simulator's reader.
  const std::string odd_variant = dir_.File("variants, \"odd\"/wallbox.yaml");
  CliRun quoted =
      Cli({"unit", "register-batch", "--order", "WO-2026-0041", "--count", "1", "--revision", "A1",
           "--hardware-id-prefix", "WQ-", "--manifest", dir_.File("quoted.csv"), "--variant-file",
           odd_variant, "--faults", "drop-at=Reset;slow-responses=5"});
  ASSERT_EQ(quoted.exit_code, 0) << quoted.err;
  auto loaded = sim::LoadManifest(dir_.File("quoted.csv"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->size(), 1U);
  EXPECT_EQ((*loaded)[0].hardware_id, "WQ-000001");
  EXPECT_EQ((*loaded)[0].variant, odd_variant);
  EXPECT_EQ((*loaded)[0].faults, (std::vector<std::string>{"drop-at=Reset", "slow-responses=5"}));
  EXPECT_TRUE(AdmitFactory("WQ-000001", (*loaded)[0].bootstrap_secret).ok());
}

TEST_F(CliAdmissionTest, ReprovisionIssuesANewSecretAndClearsTheStep) {
  std::string first = dir_.File("first.secret");
  ASSERT_EQ(Cli({"unit", "register", "--hardware-id", "HW-1", "--revision", "B",
                 "--bootstrap-secret-file", first})
                .exit_code,
            0);
  std::string old_secret = ReadFile(first);
  old_secret.pop_back();
  // A bootstrap unit's new secret must go somewhere.
  CliRun nowhere = Cli({"unit", "reprovision", "HW-1"});
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.err.find("--bootstrap-secret-file"), std::string::npos) << nowhere.err;
  EXPECT_TRUE(AdmitFactory("HW-1", old_secret).ok()) << "refused command changed nothing";

  std::string second = dir_.File("second.secret");
  json out = CliJson(
      {"unit", "reprovision", "HW-1", "--reason", "bad cable", "--bootstrap-secret-file", second});
  EXPECT_EQ(out["state"], "registered");
  EXPECT_EQ(out["step"], nullptr);
  std::string new_secret = ReadFile(second);
  new_secret.pop_back();
  EXPECT_EQ(AdmitFactory("HW-1", old_secret).code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(AdmitFactory("HW-1", new_secret).ok());
}

TEST_F(CliAdmissionTest, ScrapIsTerminalAndIdsAreNeverReused) {
  json reg = CliJson({"unit", "register", "--hardware-id", "HW-1", "--revision", "B", "--serial",
                      "SN-1", "--print-secret"});
  std::string secret = reg["bootstrap_secret"];
  CliRun no_reason = Cli({"unit", "scrap", "HW-1"});
  EXPECT_EQ(no_reason.exit_code, 2) << "--reason is required";
  json scrapped = CliJson({"unit", "scrap", "HW-1", "--reason", "dropped on the floor"});
  EXPECT_EQ(scrapped["state"], "scrapped");
  EXPECT_EQ(scrapped["failure_reason"], "dropped on the floor");
  EXPECT_EQ(AdmitFactory("HW-1", secret).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Cli({"unit", "scrap", "HW-1", "--reason", "again"}).exit_code, 1);
  EXPECT_EQ(Cli({"unit", "reprovision", "HW-1", "--print-secret"}).exit_code, 1);
  // Neither its hardware ID nor its MES serial can be registered again.
  EXPECT_EQ(Cli({"unit", "register", "--hardware-id", "HW-1", "--revision", "B"}).exit_code, 1);
  CliRun serial =
      Cli({"unit", "register", "--hardware-id", "HW-2", "--revision", "B", "--serial", "SN-1"});
  EXPECT_EQ(serial.exit_code, 1);
  EXPECT_NE(serial.err.find("SN-1"), std::string::npos) << serial.err;
}

TEST_F(CliAdmissionTest, StationCaAndServerCertificate) {
  CliRun init = Cli({"ca", "init-station", "--secret", "env:EVPROV_TEST_CA_PASSPHRASE", "--key-dir",
                     dir_.File("keys")});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  std::string out_dir = dir_.File("tls");
  CliRun cert = Cli({"ca", "server-cert", "--host", "station.factory.local", "--ip", "127.0.0.1",
                     "--out-dir", out_dir});
  ASSERT_EQ(cert.exit_code, 0) << cert.err;
  std::string chain = out_dir + "/chain.pem", key = out_dir + "/key.pem",
              root = out_dir + "/root.pem";
  EXPECT_EQ(Mode(key), 0600U);
  std::string verify =
      "openssl verify -CAfile " + root + " -untrusted " + chain + " " + chain + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(verify.c_str()), 0);
  std::string san = "openssl x509 -in " + chain + " -noout -ext subjectAltName > " +
                    dir_.File("san.txt") + " 2>&1";
  ASSERT_EQ(std::system(san.c_str()), 0);
  std::string san_text = ReadFile(dir_.File("san.txt"));
  EXPECT_NE(san_text.find("DNS:station.factory.local"), std::string::npos) << san_text;
  EXPECT_NE(san_text.find("IP Address:127.0.0.1"), std::string::npos) << san_text;
  std::string key_pem = ReadFile(key);
  EXPECT_NE(key_pem.find("PRIVATE KEY"), std::string::npos);
  for (const CliRun& r : {init, cert}) {
    EXPECT_EQ((r.out + r.err).find("PRIVATE KEY"), std::string::npos);
    EXPECT_EQ((r.out + r.err).find("test-only-passphrase"), std::string::npos);
  }
  // Recorded as a tls_server certificate.
  auto s = store::OpenStore(db_);
  ASSERT_TRUE(s.ok());
  int tls_server = 0;
  ASSERT_TRUE(store::InTransaction(**s, store::TxMode::kRead, [&](store::Transaction& tx) {
                auto rows =
                    tx.Query("SELECT COUNT(*) FROM certificates WHERE usage = 'tls_server'");
                if (!rows.ok()) return rows.status();
                tls_server = static_cast<int>((*rows)[0].Int(0));
                return Status::Ok();
              }).ok());
  EXPECT_EQ(tls_server, 1);
  // Existing files are never overwritten.
  EXPECT_EQ(Cli({"ca", "server-cert", "--host", "x", "--out-dir", out_dir}).exit_code, 1);
}

TEST_F(CliAdmissionTest, ServerCertificatesComeOnlyFromAStationCa) {
  ASSERT_EQ(Cli({"env", "import", kCatalog + "/environments/staging.yaml"}).exit_code, 0);
  ASSERT_EQ(Cli({"ca", "init", "--env", "staging", "--secret", "env:EVPROV_TEST_CA_PASSPHRASE",
                 "--key-dir", dir_.File("keys")})
                .exit_code,
            0);
  json cas = CliJson({"ca", "show"});
  std::string issuing;
  for (const auto& ca : cas) {
    if (ca["role"] == "issuing") issuing = ca["name"];
  }
  CliRun r =
      Cli({"ca", "server-cert", "--host", "h", "--ca", issuing, "--out-dir", dir_.File("tls")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a station issuing CA"), std::string::npos) << r.err;
  // The station CA must not take an environment's name.
  CliRun named = Cli({"ca", "init-station", "--name", "staging", "--secret",
                      "env:EVPROV_TEST_CA_PASSPHRASE", "--key-dir", dir_.File("keys2")});
  EXPECT_EQ(named.exit_code, 1);
}

}  // namespace
}  // namespace evprov::test
