// Shared fixture for the identity tests: a migrated SQLite file in a temp dir,
// plus helpers that write the catalog rows (variant, environment, work order)
// the way the catalog part stores them.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "evprov/catalog/model.h"
#include "evprov/common/log.h"
#include "evprov/store/store.h"
#include "evprov/units/units.h"
#include "support/temp_dir.h"

namespace evprov::identity::test {

// Monday 2026-06-22 12:00 UTC: ISO week 26 of 2026.
inline std::chrono::system_clock::time_point Week26() {
  using namespace std::chrono;
  return sys_days(year{2026} / 6 / 22) + hours(12);
}

inline catalog::NamingConvention Naming(bool gap_free = true) {
  catalog::NamingConvention n;
  n.prefix = "EVB";
  n.serial_pattern = "{prefix}-{yy}{ww}-{seq:06}";
  n.charger_id_pattern = "CP-{serial}";
  n.gap_free = gap_free;
  return n;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = dir_.File("identity.db");
    options.synchronous_full = false;  // crash safety is not what these tests are about
    auto s = store::OpenSqliteStore(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    Status migrated = store::MigrateToLatest(*store_);
    ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  }

  Status Write(const std::function<Status(store::Transaction&)>& fn) {
    return store::InTransaction(*store_, store::TxMode::kWrite, fn);
  }

  // Registers a unit without a work order; returns its id (0 on failure).
  std::int64_t Register(const std::string& hardware_id,
                        std::optional<std::string> serial = std::nullopt) {
    std::int64_t id = 0;
    Status s = Write([&](store::Transaction& tx) -> Status {
      units::NewUnit unit;
      unit.hardware_id = hardware_id;
      unit.serial = serial;
      unit.hardware_revision = "B";
      EVPROV_ASSIGN_OR_RETURN(id, units::RegisterUnit(tx, unit, "mes"));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  // The unit as stored now (read in a transaction of its own).
  Result<units::Unit> Get(std::int64_t id) {
    std::optional<units::Unit> unit;
    Status s = store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(unit, units::GetUnit(tx, id));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return *unit;
  }

  // A variant "wallbox@1" with the given hardware revisions, an environment
  // "staging" and an order over both. Returns ok or the first failure.
  Status AddWorkOrder(const std::string& order_id, int quantity, const std::string& status = "open",
                      const std::string& revisions_json = R"(["A","B"])") {
    return Write([&](store::Transaction& tx) -> Status {
      EVPROV_TRY(tx.Exec("INSERT INTO variants(name, version, status, document, content_sha256, "
                         "source, author, created_at) VALUES ('wallbox', 1, 'draft', ?, 'x', "
                         "'test', 'eng', 't') ON CONFLICT DO NOTHING",
                         {R"({"name":"wallbox","hardware_revisions":)" + revisions_json + "}"})
                     .status());
      EVPROV_TRY(tx.Exec("INSERT INTO environments(name, document, content_sha256, source, "
                         "updated_by, updated_at) VALUES ('staging', '{}', 'x', 'test', 'eng', "
                         "'t') ON CONFLICT DO NOTHING")
                     .status());
      return tx
          .Exec(
              "INSERT INTO work_orders(id, variant_id, environment, quantity, customer, status, "
              "created_by, created_at) SELECT ?, id, 'staging', ?, 'acme', ?, 'eng', 't' "
              "FROM variants WHERE name = 'wallbox' AND version = 1",
              {order_id, quantity, status})
          .status();
    });
  }

  // Runs a read-only query and returns its rows (empty on failure).
  std::vector<store::Row> Read(std::string_view sql,
                               std::initializer_list<store::Value> params = {}) {
    std::vector<store::Row> rows;
    Status s = store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
      auto r = tx.Query(sql, params);
      if (!r.ok()) return r.status();
      rows = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return rows;
  }

  log::ScopedCapture logs_;  // keeps test output readable; tests may assert on it
  evprov::test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace evprov::identity::test
