// The README's main job, `evprov demo`, provisions a small batch in both
// environments: the station in-process, the fleet as its own process.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace evprov::test
