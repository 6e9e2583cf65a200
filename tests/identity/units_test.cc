#include "evprov/units/units.h"

#include <gtest/gtest.h>

#include "evprov/audit/audit.h"
#include "identity/identity_fixture.h"

namespace evprov::units {
namespace {

class UnitsTest : public identity::test::StoreTest {
 protected:
  Result<std::int64_t> TryRegister(const NewUnit& unit) {
    std::int64_t id = 0;
    Status s = Write([&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(id, RegisterUnit(tx, unit, "mes"));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return id;
  }

  Status Move(std::int64_t id, UnitState state, std::string_view step = "",
              std::string_view reason = "") {
    return Write(
        [&](store::Transaction& tx) { return SetState(tx, id, state, step, reason, "alice"); });
  }

  Result<std::vector<Unit>> List(const UnitFilter& filter, int limit = 100) {
    std::vector<Unit> units;
    Status s = store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(units, ListUnits(tx, filter, limit));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return units;
  }

  std::vector<audit::Entry> AuditEntries() {
    std::vector<audit::Entry> entries;
    EXPECT_TRUE(store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
                  EVPROV_ASSIGN_OR_RETURN(entries, audit::List(tx));
                  return audit::Verify(tx);
                }).ok());
    return entries;
  }
};

NewUnit Unit1(std::optional<std::string> order = std::nullopt) {
  NewUnit unit;
  unit.hardware_id = "HW-0001";
  unit.hardware_revision = "B";
  unit.work_order_id = std::move(order);
  return unit;
}

TEST_F(UnitsTest, RegistersAndReadsBack) {
  ASSERT_TRUE(AddWorkOrder("WO-1", 10).ok());
  NewUnit input = Unit1("WO-1");
  input.serial = "MES-77";
  auto id = TryRegister(input);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto unit = Get(*id);
  ASSERT_TRUE(unit.ok());
  EXPECT_EQ(unit->hardware_id, "HW-0001");
  EXPECT_EQ(unit->serial, "MES-77");
  EXPECT_EQ(unit->serial_source, "mes");
  EXPECT_FALSE(unit->charger_id.has_value());
  EXPECT_EQ(unit->hardware_revision, "B");
  EXPECT_EQ(unit->work_order_id, "WO-1");
  EXPECT_EQ(unit->state, UnitState::kRegistered);
  EXPECT_EQ(unit->registered_by, "mes");
  EXPECT_FALSE(unit->created_at.empty());
  std::optional<Unit> by_hw;
  ASSERT_TRUE(store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
                EVPROV_ASSIGN_OR_RETURN(by_hw, GetUnitByHardwareId(tx, "HW-0001"));
                return Status::Ok();
              }).ok());
  EXPECT_EQ(by_hw->id, *id);
  auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "unit.register");
  EXPECT_EQ(entries[0].actor, "mes");
  EXPECT_NE(entries[0].detail.find("WO-1"), std::string::npos);
  EXPECT_EQ(entries[1].action, "identity.issue");
  EXPECT_EQ(Read("SELECT COUNT(*) FROM identities WHERE value = 'MES-77'")[0].Int(0), 1);
}

TEST_F(UnitsTest, UnknownUnitIsNotFound) {
  EXPECT_EQ(Get(99).status().code(), StatusCode::kNotFound);
  EXPECT_NE(Get(99).status().message().find("unit 99"), std::string::npos);
}

struct Refusal {
  std::string name;
  NewUnit unit;
  StatusCode code;
  std::string message_start;
};

TEST_F(UnitsTest, RefusesMalformedFields) {
  auto with = [](auto change) {
    NewUnit u = Unit1();
    change(u);
    return u;
  };
  const std::vector<Refusal> cases = {
      {"empty hw", with([](NewUnit& u) { u.hardware_id = ""; }), StatusCode::kInvalidArgument,
       "unit.hardware_id: empty"},
      {"long hw", with([](NewUnit& u) { u.hardware_id = std::string(49, 'h'); }),
       StatusCode::kInvalidArgument, "unit.hardware_id: 49 characters; at most 48"},
      {"colon hw", with([](NewUnit& u) { u.hardware_id = "HW:1"; }), StatusCode::kInvalidArgument,
       "unit.hardware_id: 'HW' then ':' at position 2"},
      {"slash hw", with([](NewUnit& u) { u.hardware_id = "HW/1"; }), StatusCode::kInvalidArgument,
       "unit.hardware_id: 'HW' then '/'"},
      {"long serial", with([](NewUnit& u) { u.serial = std::string(26, 's'); }),
       StatusCode::kInvalidArgument, "unit.serial: 26 characters; at most 25"},
      {"space serial", with([](NewUnit& u) { u.serial = "S 1"; }), StatusCode::kInvalidArgument,
       "unit.serial: 'S' then ' '"},
      {"no revision", with([](NewUnit& u) { u.hardware_revision = ""; }),
       StatusCode::kInvalidArgument, "unit.hardware_revision: empty"},
      {"empty order", with([](NewUnit& u) { u.work_order_id = ""; }), StatusCode::kInvalidArgument,
       "unit.work_order_id: empty"},
      {"missing order", with([](NewUnit& u) { u.work_order_id = "WO-404"; }), StatusCode::kNotFound,
       "unit.work_order_id: work order 'WO-404' does not exist"},
  };
  for (const Refusal& c : cases) {
    auto id = TryRegister(c.unit);
    ASSERT_FALSE(id.ok()) << c.name;
    EXPECT_EQ(id.status().code(), c.code) << c.name << ": " << id.status().ToString();
    EXPECT_EQ(id.status().message().rfind(c.message_start, 0), 0u)
        << c.name << ": " << id.status().message();
  }
  EXPECT_EQ(Read("SELECT COUNT(*) FROM units")[0].Int(0), 0);
  EXPECT_EQ(Read("SELECT COUNT(*) FROM audit_log")[0].Int(0), 0);
}

TEST_F(UnitsTest, RefusesDuplicates) {
  NewUnit first = Unit1();
  first.serial = "MES-1";
  auto id = TryRegister(first);
  ASSERT_TRUE(id.ok());
  NewUnit same_hw = Unit1();
  auto dup = TryRegister(same_hw);
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(),
            "unit.hardware_id: 'HW-0001' is already registered (unit " + std::to_string(*id) + ")");
  NewUnit same_serial = Unit1();
  same_serial.hardware_id = "HW-0002";
  same_serial.serial = "MES-1";
  dup = TryRegister(same_serial);
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message().rfind("unit.serial: 'MES-1' is already issued to unit", 0), 0u)
      << dup.status().message();
  // The refused registration left nothing behind.
  EXPECT_EQ(Read("SELECT COUNT(*) FROM units")[0].Int(0), 1);
}

TEST_F(UnitsTest, ChecksTheWorkOrder) {
  ASSERT_TRUE(AddWorkOrder("WO-1", 2).ok());
  ASSERT_TRUE(AddWorkOrder("WO-CLOSED", 5, "closed").ok());
  NewUnit wrong_rev = Unit1("WO-1");
  wrong_rev.hardware_revision = "Z";
  auto r = TryRegister(wrong_rev);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "unit.hardware_revision: 'Z' is not a revision of variant 'wallbox@1' (allowed: A, "
            "B)");
  r = TryRegister(Unit1("WO-CLOSED"));
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("is closed"), std::string::npos);
  // Two units fill WO-1; a third is refused until one is scrapped.
  auto a = TryRegister(Unit1("WO-1"));
  NewUnit second = Unit1("WO-1");
  second.hardware_id = "HW-0002";
  ASSERT_TRUE(a.ok() && TryRegister(second).ok());
  NewUnit third = Unit1("WO-1");
  third.hardware_id = "HW-0003";
  r = TryRegister(third);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("already has its 2 units"), std::string::npos);
  ASSERT_TRUE(Move(*a, UnitState::kScrapped, "", "cracked housing").ok());
  EXPECT_TRUE(TryRegister(third).ok());
}

TEST_F(UnitsTest, VariantWithoutRevisionListIsRefused) {
  ASSERT_TRUE(AddWorkOrder("WO-1", 2, "open", "\"A\"").ok());
  auto r = TryRegister(Unit1("WO-1"));
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no hardware_revisions list"), std::string::npos);
}

TEST_F(UnitsTest, StateMachine) {
  auto id = TryRegister(Unit1());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(Move(*id, UnitState::kReady).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Move(*id, UnitState::kProvisioning, "identify").ok());
  ASSERT_TRUE(Move(*id, UnitState::kProvisioning, "firmware").ok());
  Status no_reason = Move(*id, UnitState::kFailed, "firmware");
  EXPECT_EQ(no_reason.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_reason.message(), "unit.reason: required when the state is failed");
  ASSERT_TRUE(Move(*id, UnitState::kFailed, "", "InvalidSignature").ok());
  auto unit = Get(*id);
  EXPECT_EQ(unit->state, UnitState::kFailed);
  EXPECT_EQ(unit->step, "firmware") << "an empty step keeps the current one";
  EXPECT_EQ(unit->failure_reason, "InvalidSignature");
  ASSERT_TRUE(Move(*id, UnitState::kProvisioning, "firmware").ok());
  EXPECT_FALSE(Get(*id)->failure_reason.has_value()) << "resuming clears the reason";
  ASSERT_TRUE(Move(*id, UnitState::kReady, "finalize").ok());
  ASSERT_TRUE(Move(*id, UnitState::kScrapped, "", "returned").ok());
  Status after_scrap = Move(*id, UnitState::kProvisioning, "identify");
  EXPECT_EQ(after_scrap.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(after_scrap.message(), "unit.state: unit " + std::to_string(*id) +
                                       " cannot move from scrapped to provisioning");
  EXPECT_EQ(Move(777, UnitState::kFailed, "", "x").code(), StatusCode::kNotFound);
  auto entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().action, "unit.state");
  EXPECT_NE(entries.back().detail.find(R"("to":"scrapped")"), std::string::npos);
}

// Moving between steps inside provisioning is journal material: the step is
// recorded, nothing is audited; a unit that is not provisioning is refused.
TEST_F(UnitsTest, SetStepRecordsTheStepOfAProvisioningUnitOnly) {
  auto id = TryRegister(Unit1());
  ASSERT_TRUE(id.ok());
  auto step = [&](std::int64_t unit, std::string_view name) {
    return Write([&](store::Transaction& tx) { return SetStep(tx, unit, name); });
  };
  Status registered = step(*id, "identify");
  EXPECT_EQ(registered.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(registered.message(),
            "unit.step: unit " + std::to_string(*id) + " is registered, not provisioning");
  ASSERT_TRUE(Move(*id, UnitState::kProvisioning, "identify").ok());
  const std::size_t audited = AuditEntries().size();
  ASSERT_TRUE(step(*id, "read_back").ok());
  ASSERT_TRUE(step(*id, "firmware").ok());
  EXPECT_EQ(Get(*id)->step, "firmware");
  EXPECT_EQ(Get(*id)->state, UnitState::kProvisioning);
  EXPECT_EQ(AuditEntries().size(), audited);
  EXPECT_EQ(step(*id, "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(step(777, "identify").code(), StatusCode::kNotFound);
  ASSERT_TRUE(Move(*id, UnitState::kReady, "finalize").ok());
  EXPECT_EQ(step(*id, "identify").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Get(*id)->step, "finalize");
}

TEST_F(UnitsTest, TransitionTableIsClosedOverScrapped) {
  const UnitState all[] = {UnitState::kRegistered, UnitState::kProvisioning, UnitState::kReady,
                           UnitState::kFailed, UnitState::kScrapped};
  for (UnitState to : all) EXPECT_FALSE(IsAllowedTransition(UnitState::kScrapped, to));
  // Back to registered only by reprovision, from a unit that left it.
  EXPECT_FALSE(IsAllowedTransition(UnitState::kRegistered, UnitState::kRegistered));
  EXPECT_FALSE(IsAllowedTransition(UnitState::kScrapped, UnitState::kRegistered));
  for (UnitState from : {UnitState::kProvisioning, UnitState::kReady, UnitState::kFailed}) {
    EXPECT_TRUE(IsAllowedTransition(from, UnitState::kRegistered));
  }
  EXPECT_TRUE(IsAllowedTransition(UnitState::kReady, UnitState::kProvisioning));
  EXPECT_FALSE(IsAllowedTransition(UnitState::kRegistered, UnitState::kReady));
}

TEST_F(UnitsTest, StateNamesRoundTrip) {
  for (auto state : {UnitState::kRegistered, UnitState::kProvisioning, UnitState::kReady,
                     UnitState::kFailed, UnitState::kScrapped}) {
    auto parsed = ParseUnitState(UnitStateName(state));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, state);
  }
  EXPECT_EQ(UnitStateName(UnitState::kProvisioning), "provisioning");
  EXPECT_EQ(ParseUnitState("Ready").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(UnitsTest, ListsWithFiltersAndPaging) {
  ASSERT_TRUE(AddWorkOrder("WO-1", 10).ok());
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    NewUnit u = Unit1(i < 3 ? std::optional<std::string>("WO-1") : std::nullopt);
    u.hardware_id = "HW-" + std::to_string(i);
    auto id = TryRegister(u);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  ASSERT_TRUE(Move(ids[1], UnitState::kProvisioning, "identify").ok());
  EXPECT_EQ(List({})->size(), 5u);
  UnitFilter order;
  order.work_order_id = "WO-1";
  EXPECT_EQ(List(order)->size(), 3u);
  order.state = UnitState::kProvisioning;
  auto provisioning = List(order);
  ASSERT_EQ(provisioning->size(), 1u);
  EXPECT_EQ((*provisioning)[0].id, ids[1]);
  UnitFilter page;
  auto first = List(page, 2);
  ASSERT_EQ(first->size(), 2u);
  page.after_id = first->back().id;
  auto second = List(page, 2);
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].id, ids[2]);
  EXPECT_EQ(List({}, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(List({}, 10001).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evprov::units
