#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace evprov::test {
namespace {

using nlohmann::json;

const std::string kCatalog = std::string(EVPROV_SOURCE_DIR) + "/examples/catalog";

// A store with the example environments; CA passphrases come from a variable
// set at test time (never a literal on the command line).
class CliCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("EVPROV_TEST_CA_PASSPHRASE", "test-only-passphrase-made-at-runtime", 1);
    db_ = dir_.File("e.db");
    ASSERT_EQ(Cli({"init"}).exit_code, 0);
    ASSERT_EQ(Cli({"env", "import", kCatalog + "/environments/staging.yaml",
                   kCatalog + "/environments/production.yaml"})
                  .exit_code,
              0);
  }
  CliRun Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", db_, "--actor", "sec"});
    return RunCli(args);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(CliCaTest, InitShowAndCrlForStaging) {
  CliRun init = Cli({"--json", "ca", "init", "--env", "staging", "--secret",
                     "env:EVPROV_TEST_CA_PASSPHRASE", "--key-dir", dir_.File("keys")});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  json cas = json::parse(init.out);
  ASSERT_EQ(cas.size(), 2u);

  json listed = json::parse(Cli({"--json", "ca", "show"}).out);
  ASSERT_EQ(listed.size(), 2u);
  std::string issuing;
  for (const auto& ca : listed) {
    if (ca["role"] == "issuing") issuing = ca["name"];
  }
  ASSERT_FALSE(issuing.empty());
  CliRun chain = Cli({"ca", "show", issuing, "--chain"});
  ASSERT_EQ(chain.exit_code, 0) << chain.err;
  std::size_t certs = 0;
  for (std::size_t p = chain.out.find("BEGIN CERTIFICATE"); p != std::string::npos;
       p = chain.out.find("BEGIN CERTIFICATE", p + 1)) {
    ++certs;
  }
  EXPECT_EQ(certs, 2u) << "issuing CA then root";
  CliRun crl = Cli({"ca", "crl", issuing});
  ASSERT_EQ(crl.exit_code, 0) << crl.err;
  EXPECT_NE(crl.out.find("BEGIN X509 CRL"), std::string::npos);
  // The passphrase never shows in anything the CLI printed.
  for (const auto& r : {init, chain, crl}) {
    EXPECT_EQ((r.out + r.err).find("test-only-passphrase"), std::string::npos);
  }
}

TEST_F(CliCaTest, ProductionRefusesFileKeys) {
  CliRun r = Cli({"ca", "init", "--env", "production", "--secret", "env:EVPROV_TEST_CA_PASSPHRASE",
                  "--key-dir", dir_.File("keys")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("production"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(Cli({"--json", "ca", "show"}).out).size(), 0u);
}

TEST_F(CliCaTest, InlineSecretsAndUnknownEnvironmentsAreRefused) {
  CliRun inline_secret = Cli({"ca", "init", "--env", "staging", "--secret", "hunter2hunter2"});
  EXPECT_EQ(inline_secret.exit_code, 1);
  EXPECT_EQ(inline_secret.err.find("hunter2"), std::string::npos) << inline_secret.err;
  CliRun unknown = Cli({"ca", "init", "--env", "moon", "--secret", "env:EVPROV_TEST_CA_PASSPHRASE",
                        "--key-dir", dir_.File("keys")});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("moon"), std::string::npos) << unknown.err;
}

TEST_F(CliCaTest, UnitRevoke) {
  ASSERT_EQ(Cli({"unit", "register", "--hardware-id", "HW-1", "--revision", "A1"}).exit_code, 0);
  CliRun r = Cli({"--json", "unit", "revoke", "HW-1", "--reason", "superseded"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["revoked"], 0);
  CliRun shown = Cli({"--json", "unit", "show", "HW-1"});
  EXPECT_TRUE(json::parse(shown.out)["certificates"].empty());
  EXPECT_EQ(Cli({"unit", "revoke", "HW-404"}).exit_code, 1);
  CliRun bad = Cli({"unit", "revoke", "HW-1", "--reason", "boredom"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--reason"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace evprov::test
