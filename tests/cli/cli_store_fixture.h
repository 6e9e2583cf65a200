// A fixture for the CLI tests: a fresh SQLite store (in a temp dir) with the
// example environments imported by engineer "eva", and helpers that run
// `evprov --store <it> ...` in-process.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace evprov::test {

inline const std::string kExampleCatalog = std::string(EVPROV_SOURCE_DIR) + "/examples/catalog";

class CliStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("e.db");
    ASSERT_EQ(Cli({"init"}).exit_code, 0);
    CliRun r =
        Cli({"--actor", "eva", "env", "import", kExampleCatalog + "/environments/staging.yaml",
             kExampleCatalog + "/environments/production.yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CliRun Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", db_});
    return RunCli(args);
  }
  // Runs with --json; expects success and returns the parsed output.
  nlohmann::json CliJson(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    CliRun r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }

  TempDir dir_;
  std::string db_;
};

}  // namespace evprov::test
