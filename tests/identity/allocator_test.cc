#include "evprov/identity/allocator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "evprov/audit/audit.h"
#include "identity/identity_fixture.h"

namespace evprov::identity {
namespace {

using test::Naming;
using test::Week26;

class AllocatorTest : public test::StoreTest {
 protected:
  // Allocates serial and charger ID for a unit in one transaction.
  Result<std::pair<IssuedIdentity, IssuedIdentity>> AllocateBoth(
      std::int64_t unit_id, const catalog::NamingConvention& naming,
      std::chrono::system_clock::time_point now = Week26()) {
    std::pair<IssuedIdentity, IssuedIdentity> out;
    Status s = Write([&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(out.first, AllocateSerial(tx, unit_id, naming, now));
      EVPROV_ASSIGN_OR_RETURN(out.second,
                              AllocateChargerId(tx, unit_id, naming, out.first.value, now));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<IssuedIdentity> Serial(std::int64_t unit_id, const catalog::NamingConvention& naming,
                                std::chrono::system_clock::time_point now = Week26()) {
    std::optional<IssuedIdentity> out;
    Status s = Write([&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(out, AllocateSerial(tx, unit_id, naming, now));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return *out;
  }

  std::int64_t NextValue(const std::string& sequence) {
    auto rows = Read("SELECT next_value FROM sequences WHERE name = ?", {sequence});
    return rows.empty() ? 0 : rows[0].Int(0);
  }
};

TEST_F(AllocatorTest, AllocatesSequentialValuesAndRecordsThem) {
  for (int i = 1; i <= 3; ++i) {
    std::int64_t unit = Register("HW-" + std::to_string(i));
    auto both = AllocateBoth(unit, Naming());
    ASSERT_TRUE(both.ok()) << both.status().ToString();
    std::string serial = "EVB-2626-00000" + std::to_string(i);
    EXPECT_EQ(both->first.value, serial);
    EXPECT_EQ(both->first.seq, i);
    EXPECT_EQ(both->first.sequence, "serial:EVB-2626-");
    EXPECT_TRUE(both->first.newly_issued);
    EXPECT_EQ(both->second.value, "CP-" + serial);
  }
  auto rows =
      Read("SELECT serial, serial_source, charger_id FROM units WHERE hardware_id = 'HW-2'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "EVB-2626-000002");
  EXPECT_EQ(rows[0].Text(1), "allocated");
  EXPECT_EQ(rows[0].Text(2), "CP-EVB-2626-000002");
  EXPECT_EQ(Read("SELECT COUNT(*) FROM identities")[0].Int(0), 6);
  EXPECT_EQ(NextValue("serial:EVB-2626-"), 4);
}

TEST_F(AllocatorTest, ChargerIdSequenceIsSeparateFromSerialSequence) {
  catalog::NamingConvention naming = Naming();
  naming.charger_id_pattern = "{prefix}{yyyy}{seq:05}";
  auto both = AllocateBoth(Register("HW-1"), naming);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(both->second.value, "EVB202600001");
  EXPECT_EQ(both->second.sequence, "charger_id:EVB2026");
  EXPECT_EQ(both->second.seq, 1);
}

TEST_F(AllocatorTest, RolledBackAllocationLeavesNoGap) {
  std::int64_t a = Register("HW-A"), b = Register("HW-B"), c = Register("HW-C");
  ASSERT_EQ(Serial(a, Naming())->value, "EVB-2626-000001");
  {
    auto tx = store_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    auto issued = AllocateSerial(**tx, b, Naming(), Week26());
    ASSERT_TRUE(issued.ok());
    EXPECT_EQ(issued->value, "EVB-2626-000002");
  }  // rolled back: never committed
  EXPECT_EQ(Serial(c, Naming())->value, "EVB-2626-000002");
  EXPECT_EQ(Serial(b, Naming())->value, "EVB-2626-000003");
  EXPECT_EQ(NextValue("serial:EVB-2626-"), 4);
}

TEST_F(AllocatorTest, IsIdempotentPerUnit) {
  std::int64_t unit = Register("HW-1");
  auto first = AllocateBoth(unit, Naming());
  ASSERT_TRUE(first.ok());
  // Again, even on another day in another week: the same values, nothing new.
  auto again = AllocateBoth(unit, Naming(), Week26() + std::chrono::days(9));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->first.value, first->first.value);
  EXPECT_EQ(again->second.value, first->second.value);
  EXPECT_FALSE(again->first.newly_issued);
  EXPECT_FALSE(again->second.newly_issued);
  EXPECT_EQ(again->first.seq, 1);
  EXPECT_EQ(NextValue("serial:EVB-2626-"), 2);
  EXPECT_EQ(NextValue("serial:EVB-2627-"), 0) << "no sequence touched for a unit that has one";
  EXPECT_EQ(Read("SELECT COUNT(*) FROM identities")[0].Int(0), 2);
}

TEST_F(AllocatorTest, NumberingRestartsEachIsoWeek) {
  std::int64_t a = Register("HW-A"), b = Register("HW-B");
  EXPECT_EQ(Serial(a, Naming())->value, "EVB-2626-000001");
  EXPECT_EQ(Serial(b, Naming(), Week26() + std::chrono::days(7))->value, "EVB-2627-000001");
}

TEST_F(AllocatorTest, CollisionWithMesSerialFailsWhenGapFree) {
  Register("HW-MES", "EVB-2626-000002");
  std::int64_t b = Register("HW-B"), c = Register("HW-C");
  EXPECT_EQ(Serial(b, Naming())->value, "EVB-2626-000001");
  auto collided = Serial(c, Naming());
  ASSERT_FALSE(collided.ok());
  EXPECT_EQ(collided.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(collided.status().message().find("serial: 'EVB-2626-000002' is already issued to unit"),
            std::string::npos)
      << collided.status().message();
  EXPECT_NE(collided.status().message().find("gap-free"), std::string::npos);
  // The failed transaction rolled back its number.
  EXPECT_EQ(NextValue("serial:EVB-2626-"), 2);
  auto rows = Read("SELECT serial FROM units WHERE id = ?", {c});
  EXPECT_TRUE(rows[0].IsNull(0));
}

TEST_F(AllocatorTest, CollisionWithMesSerialSkipsWhenNotGapFree) {
  std::int64_t mes = Register("HW-MES", "EVB-2626-000002");
  std::int64_t b = Register("HW-B"), c = Register("HW-C");
  EXPECT_EQ(Serial(b, Naming(false))->value, "EVB-2626-000001");
  auto skipped = Serial(c, Naming(false));
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_EQ(skipped->value, "EVB-2626-000003");
  EXPECT_EQ(skipped->seq, 3);
  auto rows = Read("SELECT unit_id FROM identities WHERE kind = 'serial' AND value = ?",
                   {"EVB-2626-000002"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), mes) << "the MES serial stays with its unit";
  std::string logged = logs_.sink().Joined();
  EXPECT_NE(logged.find(R"("event":"identity.skipped")"), std::string::npos) << logged;
  EXPECT_NE(logged.find(R"("value":"EVB-2626-000002")"), std::string::npos);
}

TEST_F(AllocatorTest, ExhaustedSequenceFails) {
  catalog::NamingConvention naming = Naming();
  naming.serial_pattern = "{prefix}{seq:01}";
  for (int i = 1; i <= 9; ++i) {
    ASSERT_TRUE(Serial(Register("HW-" + std::to_string(i)), naming).ok());
  }
  auto tenth = Serial(Register("HW-10"), naming);
  ASSERT_FALSE(tenth.ok());
  EXPECT_EQ(tenth.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(tenth.status().message().find("sequence 'serial:EVB' is exhausted"), std::string::npos)
      << tenth.status().message();
}

TEST_F(AllocatorTest, RefusesUnknownUnitBadPatternAndWrongSerial) {
  auto missing = Serial(4242, Naming());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  std::int64_t unit = Register("HW-1");
  catalog::NamingConvention bad = Naming();
  bad.serial_pattern = "{prefix}-{week}";
  auto parsed = Serial(unit, bad);
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message().rfind("serial_pattern: unknown token", 0), 0u)
      << parsed.status().message();
  ASSERT_TRUE(Serial(unit, Naming()).ok());
  Status wrong = Write([&](store::Transaction& tx) {
    return AllocateChargerId(tx, unit, Naming(), "EVB-2626-000099", Week26()).status();
  });
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.message().find("is not the serial of unit"), std::string::npos);
}

TEST_F(AllocatorTest, RefusesChargerIdBeyondOcppLimit) {
  catalog::NamingConvention naming = Naming();
  naming.charger_id_pattern = "{hardware_id}-{serial}-{seq:02}";
  std::string long_hw(30, 'H');
  auto both = AllocateBoth(Register(long_hw), naming);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(both.status().message().rfind("charger_id: 49 characters; at most 48", 0), 0u)
      << both.status().message();
}

TEST_F(AllocatorTest, DerivedChargerIdCollisionIsRefused) {
  catalog::NamingConvention plain = Naming(false), prefixed = Naming(false);
  plain.charger_id_pattern = "{hardware_id}";
  prefixed.charger_id_pattern = "X{hardware_id}";
  auto first = AllocateBoth(Register("XA"), plain);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->second.value, "XA");
  EXPECT_FALSE(first->second.sequence.has_value());
  auto second = AllocateBoth(Register("A"), prefixed);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(second.status().message().find("charger_id: 'XA' is already issued to unit"),
            std::string::npos)
      << second.status().message();
}

TEST_F(AllocatorTest, MesSerialIsRecordedOnceAndReturnedByAllocateSerial) {
  std::int64_t unit = Register("HW-1", "MES-0001");
  auto rows = Read("SELECT serial, serial_source FROM units WHERE id = ?", {unit});
  EXPECT_EQ(rows[0].Text(0), "MES-0001");
  EXPECT_EQ(rows[0].Text(1), "mes");
  auto serial = Serial(unit, Naming());
  ASSERT_TRUE(serial.ok());
  EXPECT_EQ(serial->value, "MES-0001");
  EXPECT_FALSE(serial->newly_issued);
  EXPECT_EQ(NextValue("serial:EVB-2626-"), 0) << "no number spent on a unit with an MES serial";
  Status again =
      Write([&](store::Transaction& tx) { return RecordMesSerial(tx, unit, "MES-0001").status(); });
  EXPECT_TRUE(again.ok()) << again.ToString();
  Status other =
      Write([&](store::Transaction& tx) { return RecordMesSerial(tx, unit, "MES-0002").status(); });
  EXPECT_EQ(other.code(), StatusCode::kFailedPrecondition);
  std::int64_t second = Register("HW-2");
  Status taken = Write(
      [&](store::Transaction& tx) { return RecordMesSerial(tx, second, "MES-0001").status(); });
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(taken.message().find("'MES-0001' is already issued to unit " + std::to_string(unit)),
            std::string::npos)
      << taken.message();
}

TEST_F(AllocatorTest, IdentitiesCannotBeDeletedChangedOrReusedAfterScrap) {
  std::int64_t unit = Register("HW-1");
  auto both = AllocateBoth(unit, Naming());
  ASSERT_TRUE(both.ok());
  Status del =
      Write([](store::Transaction& tx) { return tx.Exec("DELETE FROM identities").status(); });
  EXPECT_EQ(del.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(del.message().find("never deleted or reused"), std::string::npos) << del.message();
  Status upd = Write([&](store::Transaction& tx) {
    return tx.Exec("UPDATE identities SET unit_id = unit_id + 1").status();
  });
  EXPECT_EQ(upd.code(), StatusCode::kFailedPrecondition);
  Status unit_del =
      Write([](store::Transaction& tx) { return tx.Exec("DELETE FROM units").status(); });
  EXPECT_EQ(unit_del.code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return units::SetState(tx, unit, units::UnitState::kScrapped, "", "dropped",
                                       "alice");
              }).ok());
  std::int64_t next = Register("HW-2");
  Status reuse = Write([&](store::Transaction& tx) {
    return RecordMesSerial(tx, next, both->first.value).status();
  });
  EXPECT_EQ(reuse.code(), StatusCode::kAlreadyExists) << "a scrapped unit's serial stays taken";
  EXPECT_EQ(Read("SELECT COUNT(*) FROM identities")[0].Int(0), 2);
}

TEST_F(AllocatorTest, IssuesAreAudited) {
  std::int64_t unit = Register("HW-1");
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return AllocateSerial(tx, unit, Naming(), Week26(), "line-3").status();
              }).ok());
  std::vector<audit::Entry> entries;
  ASSERT_TRUE(store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
                EVPROV_ASSIGN_OR_RETURN(entries, audit::List(tx));
                return Status::Ok();
              }).ok());
  ASSERT_FALSE(entries.empty());
  const audit::Entry& last = entries.back();
  EXPECT_EQ(last.action, "identity.issue");
  EXPECT_EQ(last.actor, "line-3");
  EXPECT_EQ(last.object, "unit/" + std::to_string(unit));
  EXPECT_NE(last.detail.find("EVB-2626-000001"), std::string::npos) << last.detail;
}

// 8 threads register and allocate 50 units each on one file-backed store; every
// serial and charger ID is distinct and the numbers are exactly 1..400.
TEST_F(AllocatorTest, ConcurrentAllocationIsUniqueAndGapFree) {
  constexpr int kThreads = 8, kEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Status s = store::InTransaction(
            *store_, store::TxMode::kWrite,
            [&](store::Transaction& tx) -> Status {
              units::NewUnit unit;
              unit.hardware_id = "HW-" + std::to_string(t) + "-" + std::to_string(i);
              unit.hardware_revision = "B";
              EVPROV_ASSIGN_OR_RETURN(std::int64_t id, units::RegisterUnit(tx, unit, "mes"));
              EVPROV_ASSIGN_OR_RETURN(IssuedIdentity serial,
                                      AllocateSerial(tx, id, Naming(), Week26()));
              return AllocateChargerId(tx, id, Naming(), serial.value, Week26()).status();
            },
            20);
        if (!s.ok()) {
          ADD_FAILURE() << s.ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  constexpr int kTotal = kThreads * kEach;
  auto units = Read("SELECT serial, charger_id FROM units");
  ASSERT_EQ(units.size(), static_cast<std::size_t>(kTotal));
  std::set<std::string> serials, charger_ids;
  for (const auto& row : units) {
    serials.insert(row.Text(0));
    charger_ids.insert(row.Text(1));
  }
  EXPECT_EQ(serials.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(charger_ids.size(), static_cast<std::size_t>(kTotal));
  auto seqs = Read("SELECT seq FROM identities WHERE kind = 'serial' ORDER BY seq");
  ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kTotal));
  for (int i = 0; i < kTotal; ++i) ASSERT_EQ(seqs[i].Int(0), i + 1) << "gap or duplicate";
  EXPECT_EQ(*serials.begin(), "EVB-2626-000001");
  EXPECT_EQ(*serials.rbegin(), "EVB-2626-000400");
  EXPECT_EQ(NextValue("serial:EVB-2626-"), kTotal + 1);
}

}  // namespace
}  // namespace evprov::identity
