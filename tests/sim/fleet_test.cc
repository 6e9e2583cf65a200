// Fleet mode: many Units on one Runtime against an in-test ocpp::Server that
// accepts any identity and password.
#include "evprov/sim/fleet.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "evprov/common/log.h"
#include "sim/net_testing.h"
#include "sim/sim_testing.h"
#include "support/temp_dir.h"

namespace evprov::sim::testing {
namespace {

std::vector<ChargerConfig> FleetConfigs(const std::string& root, const std::string& url, int n) {
  std::vector<ChargerConfig> out;
  for (int i = 0; i < n; ++i) {
    ChargerConfig c = TestConfig(root);
    c.hardware_id = "FLEET-" + std::to_string(i);
    c.state_dir = root + "/" + c.hardware_id;
    c.factory_endpoint = url;
    c.boot_delay = std::chrono::milliseconds(200);
    c.retry_interval = std::chrono::seconds(1);
    out.push_back(std::move(c));
  }
  return out;
}

// Resident set size in KiB (Linux /proc/self/status VmRSS).
long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// Raises the open-file limit for units connections in this process (client
// and server sockets, state files, slack); false when the hard limit is lower.
bool RaiseFileLimitFor(int units) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  const rlim_t wanted = 3 * static_cast<rlim_t>(units) + 1024;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  }
  return limit.rlim_cur >= wanted;
}

TEST(StepStatsTest, NearestRankPercentiles) {
  std::vector<std::chrono::milliseconds> d;
  for (int i = 100; i >= 1; --i) d.emplace_back(i);
  StepStats s = ComputeStepStats(d);
  EXPECT_EQ(s.count, 100U);
  EXPECT_EQ(s.p50.count(), 50);
  EXPECT_EQ(s.p95.count(), 95);
  EXPECT_EQ(s.p99.count(), 99);
  EXPECT_EQ(s.max.count(), 100);
  EXPECT_EQ(ComputeStepStats({}).count, 0U);
  EXPECT_EQ(ComputeStepStats({std::chrono::milliseconds(7)}).p99.count(), 7);
}

TEST(FleetTest, FiftyUnitsConnectAndTheSummaryCountsThem) {
  test::TempDir dir;
  TestStation station({.threads = 1});
  FleetOptions options;
  options.threads = 2;
  options.ramp_per_second = 500;
  options.unit.reconnect_delay = std::chrono::milliseconds(200);
  int progress_calls = 0;
  options.progress_interval = std::chrono::milliseconds(200);
  options.on_progress = [&](const FleetSummary&) { ++progress_calls; };
  Fleet fleet(FleetConfigs(dir.path(), station.Url(), 50), options);
  ASSERT_TRUE(fleet.Start().ok());
  ASSERT_TRUE(fleet.WaitUntil(FleetGoal::kConnected, 60s));
  EXPECT_GE(progress_calls, 1);

  FleetSummary s = fleet.Summary(FleetGoal::kConnected);
  EXPECT_EQ(s.units, 50U);
  EXPECT_EQ(s.connected, 50U);
  EXPECT_EQ(s.failed, 0U);
  EXPECT_EQ(s.provisioned, 0U);  // still in factory mode
  EXPECT_EQ(s.steps.at(kStepConnected).count, 50U);
  EXPECT_EQ(s.steps.at(kStepBootAccepted).count, 50U);
  EXPECT_GT(s.approximate_bytes_per_unit, 0U);
  EXPECT_EQ(station.server().connection_count(), 50U);
  EXPECT_EQ(station.boots(), 50U);

  FleetSummary p = fleet.Summary(FleetGoal::kProvisioned);
  EXPECT_EQ(p.failed, 50U);
  EXPECT_EQ(p.failures.size(), 20U);  // listed up to 20
  nlohmann::json j = p.ToJson();
  EXPECT_EQ(j["goal"], "provisioned");
  EXPECT_EQ(j["units"], 50);
  EXPECT_NE(p.ToText().find("connected: 50"), std::string::npos);
  fleet.Stop();
}

TEST(FleetTest, AnInvalidUnitConfigFailsTheStartNamingTheUnit) {
  test::TempDir dir;
  auto configs = FleetConfigs(dir.path(), "ws://127.0.0.1:1/ocpp", 3);
  configs[1].bootstrap_secret.clear();
  Fleet fleet(std::move(configs), FleetOptions{});
  Status s = fleet.Start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("FLEET-1"), std::string::npos) << s.message();
}

// Stop closes the units concurrently and returns only when every one is down:
// no unit runs or is connected any more, and the server sees every connection
// go (bounded wait: its side of the close is asynchronous).
TEST(FleetTest, StopClosesEveryUnitAndReturnsWhenAllAreDown) {
  constexpr int kUnits = 300;
  if (!RaiseFileLimitFor(kUnits)) GTEST_SKIP() << "RLIMIT_NOFILE hard limit too low";
  test::TempDir dir;
  TestStation station({.threads = 1, .record = false});
  auto configs = FleetConfigs(dir.path(), station.Url(), kUnits);
  for (auto& c : configs) c.layout.resize(1);
  FleetOptions options;
  options.ramp_per_second = 0;  // all at once
  options.unit.reconnect_delay = std::chrono::milliseconds(500);
  options.unit.connect_timeout = std::chrono::seconds(30);
  options.unit.validate_messages = false;
  options.stop_threads = 16;
  Fleet fleet(std::move(configs), options);
  ASSERT_TRUE(fleet.Start().ok());
  ASSERT_TRUE(fleet.WaitUntil(FleetGoal::kConnected, 120s))
      << fleet.Summary(FleetGoal::kConnected).ToText();
  ASSERT_EQ(station.server().connection_count(), static_cast<std::size_t>(kUnits));
  ASSERT_EQ(station.count("<disconnected>"), 0U);

  log::ScopedCapture capture;
  fleet.Stop();
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    UnitSnapshot s = fleet.snapshot(i);
    EXPECT_FALSE(s.running) << s.hardware_id;
    EXPECT_FALSE(s.connected) << s.hardware_id;
  }
  EXPECT_TRUE(station.WaitFor("<disconnected>", kUnits, 30s)) << station.count("<disconnected>");
  EXPECT_EQ(station.server().connection_count(), 0U);
  EXPECT_EQ(station.count("<connected>"), static_cast<std::size_t>(kUnits))
      << "no unit reconnected while the fleet stopped";
  auto stopped = [&capture] {
    std::vector<nlohmann::json> out;
    for (const auto& line : capture.sink().Lines()) {
      auto j = nlohmann::json::parse(line);
      if (j["event"] == "sim.fleet.stopped") out.push_back(j);
    }
    return out;
  };
  ASSERT_EQ(stopped().size(), 1U);
  EXPECT_EQ(stopped()[0]["units"], kUnits);
  EXPECT_EQ(stopped()[0]["threads"], 16);
  std::cout << "[ fleet-stop ] units=" << kUnits
            << " threads=16 stop_ms=" << stopped()[0]["elapsed_ms"] << "\n";
  fleet.Stop();  // idempotent
  EXPECT_EQ(stopped().size(), 1U);
}

// 2,000 simultaneous connections on loopback, each with Boot + Heartbeat.
// Prints the memory per unit (no assertion on it beyond a sanity bound).
TEST(FleetScaleTest, TwoThousandUnitsHoldTheirConnections) {
  constexpr int kUnits = 2000;
  if (!RaiseFileLimitFor(kUnits)) GTEST_SKIP() << "RLIMIT_NOFILE hard limit too low";

  test::TempDir dir;
  TestStation station({.boot_interval = 2, .threads = 1, .record = false});
  auto configs = FleetConfigs(dir.path(), station.Url(), kUnits);
  for (auto& c : configs) c.layout.resize(1);  // a wallbox-sized layout
  FleetOptions options;
  options.threads = 2;
  options.ramp_per_second = 1000;
  options.unit.reconnect_delay = std::chrono::milliseconds(1000);
  options.unit.connect_timeout = std::chrono::seconds(30);
  options.unit.validate_messages = false;  // the server validates; keep the load on the sockets
  long rss_before = RssKiB();
  Fleet fleet(std::move(configs), options);
  ASSERT_TRUE(fleet.Start().ok());
  ASSERT_TRUE(fleet.WaitUntil(FleetGoal::kConnected, 180s))
      << fleet.Summary(FleetGoal::kConnected).ToText();
  FleetSummary s = fleet.Summary(FleetGoal::kConnected);
  EXPECT_TRUE(station.WaitFor("Heartbeat", kUnits, 60s)) << station.count("Heartbeat");
  long rss_after = RssKiB();
  EXPECT_EQ(station.server().connection_count(), static_cast<std::size_t>(kUnits));
  EXPECT_EQ(s.connected, static_cast<std::size_t>(kUnits));
  // Client and server share the process: the delta holds both sides.
  double kib_per_unit = static_cast<double>(rss_after - rss_before) / kUnits;
  std::cout << "[ fleet2000 ] units=" << kUnits << " all_connected_after_ms=" << s.elapsed.count()
            << " connect_p50_ms=" << s.steps.at(kStepConnected).p50.count()
            << " connect_p99_ms=" << s.steps.at(kStepConnected).p99.count()
            << " rss_delta_kib_per_unit(client+server)=" << kib_per_unit
            << " charger_approximate_bytes=" << s.approximate_bytes_per_unit << "\n";
  EXPECT_LT(kib_per_unit, 2048.0);  // sanity only
  fleet.Stop();
}

}  // namespace
}  // namespace evprov::sim::testing
