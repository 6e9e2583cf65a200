// The charger's parts on their own: the manual scheduler, fault flags,
// network-profile rules and the connection plan.
#include <gtest/gtest.h>

#include "evprov/sim/faults.h"
#include "evprov/sim/network.h"
#include "evprov/sim/scheduler.h"
#include "sim/sim_testing.h"

namespace evprov::sim {
namespace {

using nlohmann::json;
using std::chrono::seconds;

TEST(ManualSchedulerTest, RunsTimersInDueOrderAndHonoursCancel) {
  ManualScheduler s;
  std::vector<int> ran;
  s.After(seconds(5), [&] { ran.push_back(5); });
  TimerId cancelled = s.After(seconds(2), [&] { ran.push_back(2); });
  s.After(seconds(1), [&] { ran.push_back(1); });
  s.Cancel(cancelled);
  EXPECT_EQ(s.Advance(seconds(3)), 1);
  EXPECT_EQ(ran, std::vector<int>{1});
  EXPECT_EQ(s.Advance(seconds(10)), 1);
  EXPECT_EQ(ran, (std::vector<int>{1, 5}));
  EXPECT_EQ(s.pending(), 0U);
}

TEST(ManualSchedulerTest, ZeroDelayChainsRunButAreBounded) {
  ManualScheduler s;
  int runs = 0;
  std::function<void()> again = [&] {
    ++runs;
    s.After(seconds(0), again);
  };
  s.After(seconds(0), again);
  EXPECT_EQ(s.RunDue(50), 50);
  EXPECT_EQ(runs, 50);
}

TEST(FaultsTest, ParsesEveryFlag) {
  auto f = ParseFaults({"drop-at=SetNetworkProfile", "crash-at=CertificateSigned",
                        "reject-variable=SecurityCtrlr.OrganizationName", "csr-wrong-serial",
                        "reuse-key", "slow-responses=250", "mismatched-layout"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->drop_at, "SetNetworkProfile");
  EXPECT_EQ(f->crash_at, "CertificateSigned");
  EXPECT_TRUE(f->RejectsVariable("SecurityCtrlr", "OrganizationName"));
  EXPECT_FALSE(f->RejectsVariable("SecurityCtrlr", "Organization"));
  EXPECT_FALSE(f->RejectsVariable("SecurityCtrl", "OrganizationName"));
  EXPECT_TRUE(f->csr_wrong_serial);
  EXPECT_TRUE(f->reuse_key);
  EXPECT_EQ(f->response_delay, std::chrono::milliseconds(250));
  EXPECT_TRUE(f->mismatched_layout);
}

TEST(FaultsTest, RefusesBadFlagsNamingThem) {
  struct Case {
    const char* flag;
    const char* expect;
  } cases[] = {
      {"explode", "fault 'explode': unknown fault"},
      {"drop-at", "fault 'drop-at': needs a value"},
      {"drop-at=Set Variables", "not an OCPP action name"},
      {"reject-variable=NoDot", "is not Component.Variable"},
      {"slow-responses=fast", "not a delay in milliseconds"},
      {"slow-responses=-5", "not a delay in milliseconds"},
      {"reuse-key=yes", "fault 'reuse-key': takes no value"},
  };
  for (const auto& c : cases) {
    auto f = ParseFaults({c.flag});
    ASSERT_FALSE(f.ok()) << c.flag;
    EXPECT_NE(f.status().message().find(c.expect), std::string::npos) << f.status().message();
  }
}

json Profile(int security_profile, const std::string& url) {
  return testing::ProfileData(security_profile, url);
}

std::string RefusalCode(int slot, const json& data, const ProfileCheckContext& ctx) {
  auto r = CheckNetworkProfile(slot, data, ctx);
  if (auto* refusal = std::get_if<ProfileRefusal>(&r)) return refusal->reason_code;
  return "Accepted";
}

TEST(NetworkProfileTest, RefusalRules) {
  ProfileCheckContext ctx{3, 2, true, false};
  EXPECT_EQ(RefusalCode(2, Profile(2, "wss://csms.example/ocpp"), ctx), "Accepted");
  EXPECT_EQ(RefusalCode(0, Profile(2, "wss://csms.example/ocpp"), ctx), "InvalidConfSlot");
  EXPECT_EQ(RefusalCode(4, Profile(2, "wss://csms.example/ocpp"), ctx), "InvalidConfSlot");
  EXPECT_EQ(RefusalCode(2, Profile(1, "ws://csms.example/ocpp"), ctx), "NoSecurityDowngrade");
  EXPECT_EQ(RefusalCode(2, Profile(3, "wss://csms.example/ocpp"), ctx), "NoCertificate");
  EXPECT_EQ(RefusalCode(2, Profile(2, "ws://csms.example/ocpp"), ctx), "InvalidURL");
  EXPECT_EQ(RefusalCode(2, Profile(4, "wss://csms.example/ocpp"), ctx), "InvalidValue");
  json soap = Profile(2, "wss://csms.example/ocpp");
  soap["ocppTransport"] = "SOAP";
  EXPECT_EQ(RefusalCode(2, soap, ctx), "UnsupportedParam");
  ProfileCheckContext no_root{3, 0, false, false};
  EXPECT_EQ(RefusalCode(2, Profile(2, "wss://csms.example/ocpp"), no_root), "NoCertificate");
  EXPECT_EQ(RefusalCode(2, Profile(1, "ws://csms.example/ocpp"), no_root), "Accepted");
  ProfileCheckContext with_cert{3, 2, true, true};
  EXPECT_EQ(RefusalCode(3, Profile(3, "wss://csms.example/ocpp"), with_cert), "Accepted");
}

TEST(NetworkProfileTest, FactoryProfileFollowsSchemeAndAuthentication) {
  EXPECT_EQ(FactoryProfile("ws://f/ocpp", false)->security_profile, 1);
  EXPECT_EQ(FactoryProfile("wss://f/ocpp", false)->security_profile, 2);
  EXPECT_EQ(FactoryProfile("wss://f/ocpp", true)->security_profile, 3);
  EXPECT_TRUE(FactoryProfile("wss://f/ocpp", true)->factory);
  EXPECT_FALSE(FactoryProfile("ws://f/ocpp", true).ok());
  EXPECT_FALSE(FactoryProfile("http://f/ocpp", false).ok());
}

TEST(ConnectionPlanTest, PriorityAttemptsAndFallback) {
  std::map<int, NetworkProfile> slots;
  slots[1].security_profile = 1;
  slots[2].security_profile = 2;
  slots[3].security_profile = 3;
  PlanOptions o;
  o.priority = {3, 1, 2};
  o.attempts_per_slot = 2;
  std::vector<ConnectionAttempt> want = {{3, 1}, {3, 2}, {1, 1}, {1, 2}, {2, 1}, {2, 2}};
  EXPECT_EQ(ConnectionPlan(slots, o), want);
  // Empty slots, repeats and slots below the floor are skipped; attempts < 1 count as 1.
  slots.erase(1);
  o.priority = {2, 9, 2, 1, 3};
  o.attempts_per_slot = 0;
  o.min_security_profile = 3;
  EXPECT_EQ(ConnectionPlan(slots, o), (std::vector<ConnectionAttempt>{{3, 1}}));
}

TEST(ConnectionPlanTest, ParsesPriorityLists) {
  EXPECT_EQ(*ParsePriority("1, 3,2"), (std::vector<int>{1, 3, 2}));
  EXPECT_FALSE(ParsePriority("").ok());
  EXPECT_FALSE(ParsePriority("1,,2").ok());
  EXPECT_FALSE(ParsePriority("1,a").ok());
  EXPECT_NE(ParsePriority("1,2,1").status().message().find("listed twice"), std::string::npos);
}

}  // namespace
}  // namespace evprov::sim
