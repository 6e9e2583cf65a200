// The README's main job, `evprov demo`, provisions a small batch in both
// environments: the station in-process, the fleet as its own process.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e/e2e_fixture.h"

namespace evprov::test {
namespace {

TEST(DemoTest, ProvisionsABatchInBothEnvironmentsAndPrintsTheSummary) {
  TempDir dir;
  CliRun run = RunCli({"demo", "--units", "6", "--dir", dir.File("demo"), "--timeout", "120",
                       "--sim", kEvprovSim, "--boot-delay-ms", "50"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("6 of 6 units ready"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("$ evprov ca init --env production"), std::string::npos);
  EXPECT_NE(run.out.find("DEMO-PRODUCTION"), std::string::npos);
  // No secret reaches the output: the bootstrap secrets are only in the manifest.
  EXPECT_EQ(run.out.find("bootstrap_secret"), std::string::npos);
  PreparedDemo p;
  p.store = "sqlite:" + dir.File("demo") + "/evprov.db";
  BatchOutcome out = ReadOutcome(p);
  EXPECT_EQ(out.ready, 6);
  EXPECT_EQ(out.units_with_one_valid_certificate, 6);
}

// The load shape and the chargers' state directory reach the fleet:
// `--ramp-per-second 0` (the whole batch at once) and `--sim-state-dir` (a
// tmpfs directory), as bench/pipeline_bench.sh runs them.
TEST(DemoTest, PassesTheRampAndTheStateDirectoryToTheFleet) {
  TempDir dir;
  const std::string args_file = dir.File("fleet-args");
  const std::string wrapper = dir.File("sim.sh");
  {
    std::ofstream out(wrapper);
    out << "#!/bin/sh\necho \"$@\" > '" << args_file << "'\nexec '" << kEvprovSim << "' \"$@\"\n";
  }
  ASSERT_EQ(::chmod(wrapper.c_str(), 0700), 0);
  // Staging only: its CA keys are files, so this test needs no SoftHSM2 token
  // (a process loads one SoftHSM2 configuration, the other test's).
  CliRun run = RunCli({"demo", "--units", "2", "--env", "staging", "--dir", dir.File("demo"),
                       "--timeout", "120", "--sim", wrapper, "--boot-delay-ms", "0",
                       "--ramp-per-second", "0", "--sim-state-dir", dir.File("nvm")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("2 of 2 units ready"), std::string::npos) << run.out;
  std::ifstream in(args_file);
  std::stringstream args;
  args << in.rdbuf();
  EXPECT_NE(args.str().find("--ramp-per-second 0.0"), std::string::npos) << args.str();
  EXPECT_NE(args.str().find("--state-root " + dir.File("nvm")), std::string::npos) << args.str();
  int units = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.File("nvm"))) {
    units += entry.is_directory() ? 1 : 0;
  }
  EXPECT_EQ(units, 2);
  EXPECT_FALSE(std::filesystem::exists(dir.File("demo") + "/sim"));
  EXPECT_NE(run.out.find("chargers: " + dir.File("nvm")), std::string::npos) << run.out;

  CliRun bad =
      RunCli({"demo", "--units", "2", "--dir", dir.File("bad"), "--ramp-per-second", "-5"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE((bad.out + bad.err).find("--ramp-per-second"), std::string::npos) << bad.out << bad.err;
}

}  // namespace
}  // namespace evprov::test
