// The migration runner: dialect-neutral, shared by every backend.
#include <map>

#include "evprov/common/time.h"
#include "evprov/store/store.h"
#include "store/migration_files.h"

namespace evprov::store {
namespace {

struct Migration {
  int version = 0;
  std::string name;
  const char* up = nullptr;
  const char* down = nullptr;
};

std::map<int, Migration> MigrationsFor(Dialect d) {
  std::map<int, Migration> out;
  for (const MigrationFile& f : EmbeddedMigrationFiles()) {
    if (DialectName(d) != f.dialect) continue;
    Migration& m = out[f.version];
    m.version = f.version;
    m.name = f.name;
    (std::string_view(f.direction) == "up" ? m.up : m.down) = f.sql;
  }
  return out;
}

constexpr std::string_view kBookkeeping =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

}  // namespace

int LatestSchemaVersion(Dialect d) {
  auto all = MigrationsFor(d);
  return all.empty() ? 0 : all.rbegin()->first;
}

Result<int> SchemaVersion(Store& store) {
  int version = 0;
  Status s = InTransaction(store, TxMode::kWrite, [&](Transaction& tx) -> Status {
    EVPROV_TRY(tx.Exec(kBookkeeping).status());
    EVPROV_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT MAX(version) FROM schema_migrations"));
    version = rows.empty() || rows[0].IsNull(0) ? 0 : static_cast<int>(rows[0].Int(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return version;
}

Status MigrateTo(Store& store, int target) {
  auto all = MigrationsFor(store.dialect());
  int latest = all.empty() ? 0 : all.rbegin()->first;
  if (target < 0 || target > latest) {
    return Status::InvalidArgument("schema version " + std::to_string(target) +
                                   ": out of range 0.." + std::to_string(latest));
  }
  EVPROV_ASSIGN_OR_RETURN(int current, SchemaVersion(store));
  if (current > latest) {
    return Status::FailedPrecondition("store schema version " + std::to_string(current) +
                                      " is newer than this evprov (" + std::to_string(latest) +
                                      ")");
  }
  while (current != target) {
    bool up = current < target;
    int version = up ? current + 1 : current;
    auto it = all.find(version);
    if (it == all.end() || (up ? it->second.up : it->second.down) == nullptr) {
      return Status::Internal("migration " + std::to_string(version) + " has no " +
                              (up ? "up" : "down") + " script");
    }
    const Migration& m = it->second;
    Status s = InTransaction(
        store, TxMode::kWrite,
        [&](Transaction& tx) -> Status {
          EVPROV_TRY(tx.ExecScript(up ? m.up : m.down));
          if (up) {
            return tx
                .Exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                      {m.version, m.name, NowUtc()})
                .status();
          }
          return tx.Exec("DELETE FROM schema_migrations WHERE version = ?", {m.version}).status();
        },
        1);
    if (!s.ok()) {
      return s.WithContext("migration " + std::to_string(version) + "_" + m.name +
                           (up ? " (up)" : " (down)"));
    }
    current = up ? version : version - 1;
  }
  return Status::Ok();
}

}  // namespace evprov::store
