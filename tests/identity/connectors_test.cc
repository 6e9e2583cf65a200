#include "evprov/identity/connectors.h"

#include <gtest/gtest.h>

#include <regex>

#include "identity/identity_fixture.h"

namespace evprov::identity {
namespace {

// The EVSE ID format from ISO 15118 / eMI3, written out independently of the code.
bool MatchesEmi3(const std::string& id) {
  static const std::regex kRegex(R"(^[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9\*]{1,30}$)");
  return std::regex_match(id, kRegex);
}

// Two EVSEs with two connectors each; labels exercise every placeholder.
catalog::Variant TwoByTwo() {
  catalog::Variant v;
  v.name = "dc-2x2";
  for (int e = 1; e <= 2; ++e) {
    catalog::Evse evse;
    evse.id = e;
    catalog::Connector ccs;
    ccs.id = 1;
    ccs.type = "cCCS2";
    ccs.label = "${charger_id} ${evse}${connector}";
    catalog::Connector type2;
    type2.id = 2;
    type2.type = "sType2";
    type2.label = e == 1 ? "" : "${serial}/E${evse}C${connector}";
    evse.connectors = {ccs, type2};
    v.evses.push_back(evse);
  }
  return v;
}

ConnectorNames Names() {
  return {"CP-EVB-2626-000017", "EVB-2626-000017"};
}

catalog::Environment Env(std::optional<std::string> country, std::optional<std::string> op) {
  catalog::Environment env;
  env.name = "production";
  env.emi3_country = std::move(country);
  env.emi3_operator = std::move(op);
  return env;
}

TEST(ConnectorPlanTest, TwoByTwoLayoutWithLabels) {
  auto plan = PlanConnectors(TwoByTwo(), Env(std::nullopt, std::nullopt), Names());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 4u);
  const std::vector<ConnectorAssignment> want = {
      {1, 1, "cCCS2", "CP-EVB-2626-000017 11", std::nullopt},
      {1, 2, "sType2", "1-2", std::nullopt},  // empty template: kDefaultLabel
      {2, 1, "cCCS2", "CP-EVB-2626-000017 21", std::nullopt},
      {2, 2, "sType2", "EVB-2626-000017/E2C2", std::nullopt},
  };
  EXPECT_EQ(*plan, want);
}

TEST(ConnectorPlanTest, OrdersByEvseAndConnector) {
  catalog::Variant v = TwoByTwo();
  std::swap(v.evses[0], v.evses[1]);
  std::swap(v.evses[0].connectors[0], v.evses[0].connectors[1]);
  auto plan = PlanConnectors(v, Env(std::nullopt, std::nullopt), Names());
  ASSERT_TRUE(plan.ok());
  for (std::size_t i = 0; i < plan->size(); ++i) {
    EXPECT_EQ((*plan)[i].evse_id, static_cast<int>(i / 2 + 1));
    EXPECT_EQ((*plan)[i].connector_id, static_cast<int>(i % 2 + 1));
  }
}

TEST(ConnectorPlanTest, Emi3IdsWhenTheEnvironmentHasThem) {
  auto plan = PlanConnectors(TwoByTwo(), Env("de", "Ab1"), Names());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ((*plan)[0].emi3_evse_id, "DE*AB1*ECPEVB2626000017*1");
  EXPECT_EQ((*plan)[1].emi3_evse_id, "DE*AB1*ECPEVB2626000017*1") << "one ID per EVSE";
  EXPECT_EQ((*plan)[3].emi3_evse_id, "DE*AB1*ECPEVB2626000017*2");
  for (const auto& c : *plan) EXPECT_TRUE(MatchesEmi3(*c.emi3_evse_id)) << *c.emi3_evse_id;
}

TEST(ConnectorPlanTest, Emi3NeedsBothFieldsAndValidValues) {
  auto half = PlanConnectors(TwoByTwo(), Env("DE", std::nullopt), Names());
  EXPECT_EQ(half.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(half.status().message().rfind("environment.emi3_operator: missing", 0), 0u)
      << half.status().message();
  half = PlanConnectors(TwoByTwo(), Env(std::nullopt, "ABC"), Names());
  EXPECT_EQ(half.status().message().rfind("environment.emi3_country: missing", 0), 0u);
  EXPECT_EQ(
      Emi3EvseId("DEU", "ABC", "CP1", 1).status().message().rfind("environment.emi3_country:", 0),
      0u);
  EXPECT_EQ(Emi3EvseId("D1", "ABC", "CP1", 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Emi3EvseId("DE", "AB", "CP1", 1).status().message().rfind("environment.emi3_operator:", 0),
      0u);
  EXPECT_EQ(Emi3EvseId("DE", "A*C", "CP1", 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(ConnectorPlanTest, Emi3ChargerPartLimits) {
  EXPECT_EQ(Emi3ChargerPart("cp-evb.26_01"), "CPEVB2601");
  // 28 letters and digits + "*1" = 30: the longest allowed.
  std::string longest(28, 'a');
  auto ok = Emi3EvseId("DE", "ABC", longest, 1);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(MatchesEmi3(*ok));
  EXPECT_EQ(ok->size(), 2u + 1 + 3 + 2 + 30);
  // One more, or a two-digit EVSE, is refused rather than truncated.
  auto too_long = Emi3EvseId("DE", "ABC", longest + "b", 1);
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.status().message().rfind("emi3_evse_id: charger ID", 0), 0u);
  EXPECT_FALSE(Emi3EvseId("DE", "ABC", longest, 10).ok());
  EXPECT_FALSE(Emi3EvseId("DE", "ABC", "-._", 1).ok()) << "nothing left of the charger ID";
}

TEST(ConnectorPlanTest, LabelErrors) {
  auto unknown = RenderLabel("${evse}-${plug}", 1, 1, Names());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown placeholder '${plug}' at position 8"),
            std::string::npos)
      << unknown.status().message();
  auto unclosed = RenderLabel("A ${evse", 1, 1, Names());
  EXPECT_NE(unclosed.status().message().find("unclosed '${' at position 2"), std::string::npos);
  auto empty = RenderLabel("${serial}", 1, 1, ConnectorNames{"CP-1", ""});
  EXPECT_NE(empty.status().message().find("'${serial}' at position 0 has no value"),
            std::string::npos);
  EXPECT_EQ(*RenderLabel("$evse {connector}", 3, 4, Names()), "$evse {connector}");
  catalog::Variant v = TwoByTwo();
  v.evses[1].connectors[0].label = "${nope}";
  auto plan = PlanConnectors(v, Env(std::nullopt, std::nullopt), Names());
  EXPECT_EQ(plan.status().message().rfind("evse 2 connector 1: label: unknown placeholder", 0), 0u)
      << plan.status().message();
}

TEST(ConnectorPlanTest, RefusesBrokenLayouts) {
  catalog::Variant empty;
  EXPECT_EQ(PlanConnectors(empty, Env(std::nullopt, std::nullopt), Names()).status().code(),
            StatusCode::kInvalidArgument);
  catalog::Variant dup = TwoByTwo();
  dup.evses[0].connectors[1].id = 1;
  auto r = PlanConnectors(dup, Env(std::nullopt, std::nullopt), Names());
  EXPECT_NE(r.status().message().find("evse 1 connector 1 appears twice"), std::string::npos)
      << r.status().message();
  catalog::Variant zero = TwoByTwo();
  zero.evses[1].id = 0;
  EXPECT_FALSE(PlanConnectors(zero, Env(std::nullopt, std::nullopt), Names()).ok());
}

class AssignConnectorsTest : public test::StoreTest {};

TEST_F(AssignConnectorsTest, PersistsOnceAndIsIdempotent) {
  std::int64_t unit = Register("HW-1");
  auto plan = PlanConnectors(TwoByTwo(), Env("DE", "ABC"), Names());
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(
      Write([&](store::Transaction& tx) { return AssignConnectors(tx, unit, *plan); }).ok());
  Status again = Write([&](store::Transaction& tx) { return AssignConnectors(tx, unit, *plan); });
  EXPECT_TRUE(again.ok()) << again.ToString();
  std::vector<ConnectorAssignment> stored;
  ASSERT_TRUE(store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
                EVPROV_ASSIGN_OR_RETURN(stored, ListConnectors(tx, unit));
                return Status::Ok();
              }).ok());
  EXPECT_EQ(stored, *plan);
  EXPECT_EQ(Read("SELECT COUNT(*) FROM audit_log WHERE action = 'unit.connectors'")[0].Int(0), 1)
      << "the idempotent repeat changed nothing, so audits nothing";
  auto other = *plan;
  other[0].label = "relabelled";
  Status changed = Write([&](store::Transaction& tx) { return AssignConnectors(tx, unit, other); });
  EXPECT_EQ(changed.code(), StatusCode::kFailedPrecondition);
  Status missing = Write([&](store::Transaction& tx) { return AssignConnectors(tx, 999, *plan); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  Status empty = Write([&](store::Transaction& tx) { return AssignConnectors(tx, unit, {}); });
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evprov::identity
