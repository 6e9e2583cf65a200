// evprov-sim's command line, in-process: argument errors, the manifest, and
// short runs against an in-test station.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "evprov/sim/cli.h"
#include "evprov/sim/manifest.h"
#include "sim/net_testing.h"
#include "sim/sim_testing.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace evprov::sim::testing {
namespace {

const std::string kVariant =
    std::string(EVPROV_SOURCE_DIR) + "/examples/catalog/variants/wallbox-ac22.yaml";

test::CliRun Sim(const std::vector<std::string>& args) {
  return test::RunMain(&cli::Main, "evprov-sim", args);
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// `evprov-sim run` for one unit with a bootstrap secret, plus `extra`.
test::CliRun RunOne(const test::TempDir& dir, const std::vector<std::string>& extra) {
  ::setenv("EVPROV_SIM_TEST_SECRET", kBootstrapSecret, 1);
  std::vector<std::string> args = {"run",
                                   "--hardware-id",
                                   "HW-1",
                                   "--variant",
                                   kVariant,
                                   "--factory-url",
                                   "ws://127.0.0.1:1/ocpp",
                                   "--bootstrap-secret-env",
                                   "EVPROV_SIM_TEST_SECRET",
                                   "--state-dir",
                                   dir.File("u")};
  args.insert(args.end(), extra.begin(), extra.end());
  return Sim(args);
}

TEST(SimCliTest, UnknownFaultIsAnArgumentError) {
  test::TempDir dir;
  auto r = RunOne(dir, {"--fault", "explode-at=Reset"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--fault"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("explode-at"), std::string::npos) << r.err;
}

TEST(SimCliTest, ATooSmallReportPartIsAnArgumentError) {
  test::TempDir dir;
  auto r = RunOne(dir, {"--report-part-bytes", "100"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--report-part-bytes"), std::string::npos) << r.err;
}

TEST(SimCliTest, MissingAuthenticationIsAnArgumentError) {
  test::TempDir dir;
  auto r = Sim({"run", "--hardware-id", "HW-1", "--variant", kVariant, "--factory-url",
                "ws://127.0.0.1:1/ocpp", "--state-dir", dir.File("u")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("authentication"), std::string::npos) << r.err;
}

TEST(SimCliTest, UnsetSecretVariableIsNamed) {
  test::TempDir dir;
  ::unsetenv("EVPROV_SIM_TEST_NOT_SET");
  auto r = Sim({"run", "--hardware-id", "HW-1", "--variant", kVariant, "--factory-url",
                "ws://127.0.0.1:1/ocpp", "--bootstrap-secret-env", "EVPROV_SIM_TEST_NOT_SET",
                "--state-dir", dir.File("u")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("EVPROV_SIM_TEST_NOT_SET"), std::string::npos) << r.err;
}

TEST(SimCliTest, BadManifestRowNamesTheRowAndColumn) {
  test::TempDir dir;
  Write(dir.File("m.csv"),
        "hardware_id,bootstrap_secret,idevid_cert,idevid_key\n"
        "HW-1,secret-one-0000000000,,\n"
        "HW-2,,cert.pem,\n");
  auto r = Sim({"fleet", "--manifest", dir.File("m.csv"), "--variant", kVariant, "--factory-url",
                "ws://127.0.0.1:1/ocpp", "--state-root", dir.File("units")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("row 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("column 'idevid_key'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("secret-one"), std::string::npos);  // secrets never echoed
}

TEST(SimCliTest, BadFaultInAManifestRowNamesTheRow) {
  test::TempDir dir;
  Write(dir.File("m.json"),
        R"([{"hardware_id": "HW-1", "bootstrap_secret": "secret-one-0000000000"},
            {"hardware_id": "HW-2", "bootstrap_secret": "secret-two-0000000000",
             "faults": "drop-at=Reset;nonsense"}])");
  auto r = Sim({"fleet", "--manifest", dir.File("m.json"), "--variant", kVariant, "--factory-url",
                "ws://127.0.0.1:1/ocpp", "--state-root", dir.File("units")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("row 2, column 'faults'"), std::string::npos) << r.err;
}

TEST(SimCliTest, CountAndManifestAreExclusive) {
  test::TempDir dir;
  auto r = Sim({"fleet", "--variant", kVariant, "--factory-url", "ws://127.0.0.1:1/ocpp",
                "--state-root", dir.File("units")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--count"), std::string::npos) << r.err;
}

TEST(ManifestTest, CsvAndJsonRows) {
  auto csv = ParseManifest(
      "# units of batch 7\n"
      "hardware_id,bootstrap_secret,hardware_revision,serial,faults\n"
      "HW-1, s1-00000000000000 ,A2,SN1,drop-at=Reset;slow-responses=10\n"
      "HW-2,s2-00000000000000,,,\n",
      "m.csv");
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  ASSERT_EQ(csv->size(), 2U);
  EXPECT_EQ((*csv)[0].bootstrap_secret, "s1-00000000000000");
  EXPECT_EQ((*csv)[0].hardware_revision, "A2");
  EXPECT_EQ((*csv)[0].faults, (std::vector<std::string>{"drop-at=Reset", "slow-responses=10"}));
  EXPECT_TRUE((*csv)[1].faults.empty());

  auto json = ParseManifest(
      R"({"units": [{"hardware_id": "HW-3", "idevid_cert": "c.pem", "idevid_key": "k.pem",
                     "faults": ["crash-at=Reset"]}]})",
      "m.json");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ((*json)[0].idevid_key, "k.pem");
  EXPECT_EQ((*json)[0].faults.at(0), "crash-at=Reset");

  auto unknown = ParseManifest("hardware_id,colour\nHW-1,red\n", "m.csv");
  EXPECT_NE(unknown.status().message().find("column 'colour'"), std::string::npos);
  auto twice = ParseManifest("hardware_id,bootstrap_secret\nA,x\nA,y\n", "m.csv");
  EXPECT_NE(twice.status().message().find("row 2, column 'hardware_id'"), std::string::npos)
      << twice.status().message();
  auto cells = ParseManifest("hardware_id,bootstrap_secret\nA\n", "m.csv");
  EXPECT_NE(cells.status().message().find("row 1"), std::string::npos);
}

TEST(ManifestTest, CsvQuotingPerRfc4180) {
  auto quoted = ParseManifest(
      "hardware_id,bootstrap_secret,variant,faults\r\n"
      "\"HW-1\",s1-00000000000000,\"/v/wallbox, "
      "\"\"AC\"\".yaml\",\"drop-at=Reset;slow-responses=5\"\r\n"
      "HW-2,s2-00000000000000,\"multi\nline\",\r\n",
      "m.csv");
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  ASSERT_EQ(quoted->size(), 2U);
  EXPECT_EQ((*quoted)[0].hardware_id, "HW-1");
  EXPECT_EQ((*quoted)[0].bootstrap_secret, "s1-00000000000000") << "CRLF: no CR in values";
  EXPECT_EQ((*quoted)[0].variant, "/v/wallbox, \"AC\".yaml");
  EXPECT_EQ((*quoted)[0].faults, (std::vector<std::string>{"drop-at=Reset", "slow-responses=5"}));
  EXPECT_EQ((*quoted)[1].variant, "multi\nline");

  auto open = ParseManifest(
      "hardware_id,bootstrap_secret,variant\nHW-1,s1-00000000000000,a\nHW-2,s2-000,\"/v/x.yaml\n",
      "m.csv");
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("m.csv: line 3, column 13: unterminated quoted field"),
            std::string::npos)
      << open.status().message();
  EXPECT_EQ(open.status().message().find("s2-000"), std::string::npos) << "no secret in errors";
}

TEST(SimCliTest, RunUntilConnectedAgainstAStation) {
  test::TempDir dir;
  TestStation station({.password = kBootstrapSecret});
  Write(dir.File("secret"), std::string(kBootstrapSecret) + "\n");
  auto r = Sim({"run", "--hardware-id", "HW-CLI-1", "--variant", kVariant, "--factory-url",
                station.Url(), "--bootstrap-secret-file", dir.File("secret"), "--state-dir",
                dir.File("u"), "--exit-when", "connected", "--timeout", "30", "--json", "--iccid",
                "89440000000000000009"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["registration"], "Accepted");
  EXPECT_EQ(out["hardware_id"], "HW-CLI-1");
  auto boot = station.Of("BootNotification").at(0).payload;
  EXPECT_EQ(boot["chargingStation"]["vendorName"], "Example Charging Systems");
  EXPECT_EQ(boot["chargingStation"]["model"], "WB-AC22");
  EXPECT_EQ(boot["chargingStation"]["modem"]["iccid"], "89440000000000000009");
  EXPECT_EQ(r.out.find(kBootstrapSecret), std::string::npos);
  EXPECT_EQ(r.err.find(kBootstrapSecret), std::string::npos);
}

TEST(SimCliTest, FleetFromAManifestUntilConnected) {
  test::TempDir dir;
  TestStation station({});
  Write(dir.File("m.csv"),
        "hardware_id,bootstrap_secret,serial\n"
        "HW-A,secret-a-000000000000,SN-A\n"
        "HW-B,secret-b-000000000000,SN-B\n"
        "HW-C,secret-c-000000000000,\n");
  auto r = Sim({"fleet", "--manifest", dir.File("m.csv"), "--variant", kVariant, "--factory-url",
                station.Url(), "--state-root", dir.File("units"), "--exit-when", "connected",
                "--timeout", "30", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["units"], 3);
  EXPECT_EQ(out["connected"], 3);
  EXPECT_EQ(out["failed"], 0);
  EXPECT_EQ(out["steps"]["connected"]["count"], 3);
  EXPECT_NE(r.err.find("3/3 connected"), std::string::npos) << r.err;
}

TEST(SimCliTest, GeneratedFleetTimesOutWithExitCode1) {
  test::TempDir dir;
  auto r = Sim({"fleet", "--count", "2", "--hardware-id-prefix", "GEN-", "--variant", kVariant,
                "--factory-url", "ws://127.0.0.1:1/ocpp", "--state-root", dir.File("units"),
                "--exit-when", "connected", "--timeout", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("failed: 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GEN-00001"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace evprov::sim::testing
