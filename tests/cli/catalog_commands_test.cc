#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_store_fixture.h"

namespace evprov::test {
namespace {

using nlohmann::json;

const std::string& kCatalog = kExampleCatalog;

// A store with the example environments imported, as engineer "eva".
class CliCatalogTest : public CliStoreTest {
 protected:
  void ImportVariants() {
    CliRun r = Cli({"--actor", "eva", "variant", "import", kCatalog + "/variants/wallbox-ac22.yaml",
                    kCatalog + "/variants/dc150.yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(CliCatalogTest, VariantImportListShow) {
  ImportVariants();
  json list = CliJson({"variant", "list"});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["status"], "draft");
  EXPECT_EQ(list[0]["author"], "eva");
  json shown = CliJson({"variant", "show", "dc150@1"});
  EXPECT_EQ(shown["name"], "dc150");
  EXPECT_EQ(shown["document"]["evses"].size(), 2u);
  // Text output is a table with a header line.
  CliRun text = Cli({"variant", "list"});
  EXPECT_EQ(text.out.rfind("NAME", 0), 0u) << text.out;
}

TEST_F(CliCatalogTest, VariantImportOfABadFileNamesTheFieldAndImportsNothing) {
  std::string good = kCatalog + "/variants/wallbox-ac22.yaml";
  std::ifstream in(kCatalog + "/variants/dc150.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("model: DC-150"), 13, "model: DC-150-WITH-A-MODEL-NAME-TOO-LONG");
  std::string bad = WriteFile("bad.yaml", text);
  CliRun r = Cli({"--actor", "eva", "variant", "import", good, bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("model"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.yaml"), std::string::npos) << r.err;
  EXPECT_TRUE(CliJson({"variant", "list"}).empty()) << "all or nothing";
}

TEST_F(CliCatalogTest, VariantShowUnknownFails) {
  CliRun r = Cli({"variant", "show", "nope@1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  EXPECT_EQ(Cli({"variant", "show", "dc150@x"}).exit_code, 1);
}

TEST_F(CliCatalogTest, ApprovalNeedsASecondPerson) {
  ImportVariants();
  CliRun self = Cli({"--actor", "eva", "variant", "approve", "dc150@1"});
  EXPECT_EQ(self.exit_code, 1);
  EXPECT_NE(self.err.find("second person"), std::string::npos) << self.err;
  json approved = CliJson({"--actor", "otto", "variant", "approve", "dc150@1"});
  EXPECT_EQ(approved["status"], "approved");
  EXPECT_EQ(approved["approver"], "otto");
  EXPECT_EQ(Cli({"--actor", "otto", "variant", "approve", "dc150@1"}).exit_code, 1);
}

TEST_F(CliCatalogTest, EnvListShowAndBadImport) {
  json list = CliJson({"env", "list"});
  ASSERT_EQ(list.size(), 2u);
  json prod = CliJson({"env", "show", "production"});
  EXPECT_EQ(prod["security_profile"], 3);
  EXPECT_EQ(Cli({"env", "show", "moon"}).exit_code, 1);
  std::string bad =
      WriteFile("env.yaml", "name: lab\nkind: staging\ncsms_url: ws://insecure/ocpp\n");
  CliRun r = Cli({"--actor", "eva", "env", "import", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("env.yaml"), std::string::npos) << r.err;
}

TEST_F(CliCatalogTest, OrdersFromFileAndFlags) {
  ImportVariants();
  // Production needs an approved variant version.
  CliRun refused = Cli(
      {"--actor", "lina", "order", "create", "--file", kCatalog + "/orders/production-dc150.yaml"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("approved"), std::string::npos) << refused.err;
  ASSERT_EQ(Cli({"--actor", "otto", "variant", "approve", "dc150@1"}).exit_code, 0);
  json created = CliJson(
      {"--actor", "lina", "order", "create", "--file", kCatalog + "/orders/production-dc150.yaml"});
  EXPECT_EQ(created["status"], "open");
  json flags =
      CliJson({"--actor", "lina", "order", "create", "--id", "WO-TEST-1", "--variant",
               "wallbox-ac22@1", "--env", "staging", "--quantity", "5", "--customer", "ACME"});
  EXPECT_EQ(flags["quantity"], 5);
  EXPECT_EQ(CliJson({"order", "list"}).size(), 2u);
  EXPECT_EQ(CliJson({"order", "show", "WO-TEST-1"})["customer"], "ACME");
  EXPECT_EQ(Cli({"order", "show", "WO-NOPE"}).exit_code, 1);
  CliRun bad_qty =
      Cli({"--actor", "lina", "order", "create", "--id", "WO-TEST-2", "--variant", "wallbox-ac22@1",
           "--env", "staging", "--quantity", "0", "--customer", "A"});
  EXPECT_EQ(bad_qty.exit_code, 1);
  EXPECT_NE(bad_qty.err.find("quantity"), std::string::npos) << bad_qty.err;
}

TEST_F(CliCatalogTest, UnitsRegisterListShow) {
  ImportVariants();
  ASSERT_EQ(Cli({"--actor", "lina", "order", "create", "--file",
                 kCatalog + "/orders/staging-wallbox.yaml"})
                .exit_code,
            0);
  json order = CliJson({"order", "show", "WO-2026-0041"});
  json variant = CliJson({"variant", "show", "wallbox-ac22@1"});
  std::string revision = variant["document"]["hardware_revisions"][0];
  json unit = CliJson({"--actor", "lina", "unit", "register", "--hardware-id", "HW-0001",
                       "--revision", revision, "--order", "WO-2026-0041"});
  EXPECT_EQ(unit["state"], "registered");
  CliRun dup = Cli(
      {"--actor", "lina", "unit", "register", "--hardware-id", "HW-0001", "--revision", revision});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("HW-0001"), std::string::npos) << dup.err;
  ASSERT_EQ(Cli({"--actor", "lina", "unit", "register", "--hardware-id", "HW-0002", "--revision",
                 revision, "--serial", "MES-SERIAL-2"})
                .exit_code,
            0);
  EXPECT_EQ(CliJson({"unit", "list"}).size(), 2u);
  EXPECT_EQ(CliJson({"unit", "list", "--order", "WO-2026-0041"}).size(), 1u);
  EXPECT_EQ(CliJson({"unit", "show", "HW-0002"})["serial"], "MES-SERIAL-2");
  EXPECT_EQ(Cli({"unit", "show", "HW-9999"}).exit_code, 1);
  CliRun bad_state = Cli({"unit", "list", "--state", "sleeping"});
  EXPECT_EQ(bad_state.exit_code, 1);
  EXPECT_NE(bad_state.err.find("sleeping"), std::string::npos) << bad_state.err;
}

TEST_F(CliCatalogTest, ChangingCommandsNeedAnActor) {
  CliRun r = Cli({"--actor", "", "env", "import", kCatalog + "/environments/staging.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--actor"), std::string::npos) << r.err;
}

TEST_F(CliCatalogTest, ListingsOnAnUninitialisedStoreFail) {
  CliRun r = RunCli({"--store", dir_.File("empty.db"), "variant", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("evprov init"), std::string::npos) << r.err;
}

// The demo end to end is in tests/e2e; here its refusals.
TEST(CliDemo, RefusesAnUnknownEnvironmentChoiceAndAnUsedDirectory) {
  TempDir dir;
  CliRun bad = RunCli({"demo", "--prepare-only", "--env", "moon", "--dir", dir.File("a")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--env: must be staging, production or both"), std::string::npos)
      << bad.err;
  ASSERT_EQ(RunCli({"--store", dir.File("evprov.db"), "init"}).exit_code, 0);
  CliRun used = RunCli({"demo", "--prepare-only", "--dir", dir.path()});
  EXPECT_EQ(used.exit_code, 1);
  EXPECT_NE(used.err.find("already holds a store"), std::string::npos) << used.err;
}

}  // namespace
}  // namespace evprov::test
