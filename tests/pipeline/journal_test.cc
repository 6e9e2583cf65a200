// The unit journal's step records (src/pipeline/journal.h): "started" moves
// a registered unit into provisioning, "done" moves it on, and a "started"
// for a unit that someone else moved meanwhile is refused without a write.
#include "pipeline/journal.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "evprov/units/units.h"
#include "identity/identity_fixture.h"

namespace evprov::pipeline {
namespace {

class JournalTest : public identity::test::StoreTest {
 protected:
  // RecordStarted in a transaction of its own.
  Status Start(std::int64_t id, std::string_view step, bool first_step, int attempt = 1) {
    return Write([&](store::Transaction& tx) {
      return RecordStarted(tx, id, step, first_step, attempt, "station");
    });
  }
  // A refused start: FailedPrecondition whose message has `says`.
  void ExpectRefused(std::int64_t id, std::string_view step, bool first_step,
                     const std::string& says) {
    Status s = Start(id, step, first_step);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
    EXPECT_NE(s.message().find(says), std::string::npos) << s.message();
  }
  std::size_t JournalSize(std::int64_t id) {
    std::size_t n = 0;
    Status s = store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(auto records, ReadJournal(tx, id));
      n = records.size();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }
};

TEST_F(JournalTest, StartedAndDoneMoveTheUnitStepByStep) {
  const std::int64_t id = Register("HW-J1");
  ASSERT_TRUE(Start(id, "admit", true).ok());
  auto unit = Get(id);
  ASSERT_TRUE(unit.ok());
  EXPECT_EQ(unit->state, units::UnitState::kProvisioning);
  EXPECT_EQ(unit->step.value_or(""), "admit");

  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return RecordDone(tx, id, "admit", "identify", {{"ms", 3}}, "station");
              }).ok());
  EXPECT_EQ(Get(id)->step.value_or(""), "identify");
  // A second attempt of the same step is fine, as is the next step.
  for (int attempt : {1, 2}) {
    Status s = Start(id, "identify", false, attempt);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(JournalSize(id), 4U);
}

TEST_F(JournalTest, StartedRefusesAUnitMovedBySomeoneElseAndWritesNothing) {
  const std::int64_t id = Register("HW-J2");
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                EVPROV_TRY(RecordStarted(tx, id, "admit", true, 1, "station"));
                return RecordDone(tx, id, "admit", "identify", {}, "station");
              }).ok());
  const std::size_t before = JournalSize(id);

  // Another station (or an operator) moved it to a later step.
  ASSERT_TRUE(
      Write([&](store::Transaction& tx) { return units::SetStep(tx, id, "configure"); }).ok());
  ExpectRefused(id, "identify", false, "at step 'configure', not at step 'identify'");

  // An operator failed it: the station must not carry on.
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return units::SetState(tx, id, units::UnitState::kFailed, "configure", "bench",
                                       "alice");
              }).ok());
  ExpectRefused(id, "configure", false, "is failed");

  EXPECT_EQ(JournalSize(id), before);
  auto unit = Get(id);
  ASSERT_TRUE(unit.ok());
  EXPECT_EQ(unit->state, units::UnitState::kFailed);

  // Reprovisioned (registered again) while the runner still had it at a
  // later step: only a start from the beginning may take it.
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return units::SetState(tx, id, units::UnitState::kRegistered, "", "", "alice");
              }).ok());
  ExpectRefused(id, "configure", false, "is registered");
  EXPECT_EQ(JournalSize(id), before);
  Status over = Start(id, "admit", true);
  EXPECT_TRUE(over.ok()) << over.ToString();
  EXPECT_EQ(Get(id)->step.value_or(""), "admit");
}

}  // namespace
}  // namespace evprov::pipeline
