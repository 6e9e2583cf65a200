// Store: the one persistence interface of evprov.
//
// A Store hands out Transactions; all reads and writes happen inside one.
// Callers write portable SQL (the subset shared by SQLite >= 3.35 and
// PostgreSQL >= 13: '?' placeholders, ON CONFLICT, RETURNING); a backend
// translates placeholders if it must. A pipeline step commits its journal
// record and the unit's new state in the same Transaction, so either both are
// durable or neither is.
//
// Backends: sqlite (embedded default, src/store/sqlite), postgres (to follow,
// same interface, callers unchanged).
//
// Thread-safety: a Store may be used from many threads at once; each
// Transaction belongs to the thread that began it and must not be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::store {

// Binary data, stored as BLOB / BYTEA.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// One SQL parameter or column value.
class Value {
 public:
  Value() = default;  // NULL
  Value(std::nullptr_t) {}
  Value(int v) : v_(std::int64_t{v}) {}
  Value(long v) : v_(std::int64_t{v}) {}
  Value(long long v) : v_(static_cast<std::int64_t>(v)) {}
  Value(unsigned v) : v_(std::int64_t{v}) {}
  Value(double v) : v_(v) {}
  Value(bool v) : v_(std::int64_t{v ? 1 : 0}) {}
  Value(std::string v) : v_(std::move(v)) {}
  Value(std::string_view v) : v_(std::string(v)) {}
  Value(const char* v) : v_(std::string(v)) {}
  Value(Blob v) : v_(std::move(v)) {}
  template <typename T>
  Value(const std::optional<T>& v) {
    if (v) *this = Value(*v);
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(v_); }
  bool is_real() const { return std::holds_alternative<double>(v_); }
  bool is_text() const { return std::holds_alternative<std::string>(v_); }
  bool is_blob() const { return std::holds_alternative<Blob>(v_); }
  // REQUIRES: the matching is_*() is true.
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_real() const { return std::get<double>(v_); }
  const std::string& as_text() const { return std::get<std::string>(v_); }
  const Blob& as_blob() const { return std::get<Blob>(v_); }

 private:
  std::variant<std::monostate, std::int64_t, double, std::string, Blob> v_;
};

// One result row. Column access by index, in SELECT order.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const Value& at(std::size_t i) const { return values_.at(i); }
  bool IsNull(std::size_t i) const { return at(i).is_null(); }
  // Integer column; REQUIRES: not NULL.
  std::int64_t Int(std::size_t i) const;
  // Text or blob column as bytes; NULL reads as "".
  std::string Text(std::size_t i) const;
  std::optional<std::string> OptText(std::size_t i) const;
  std::optional<std::int64_t> OptInt(std::size_t i) const;

 private:
  std::vector<Value> values_;
};

enum class TxMode {
  kRead,   // a consistent snapshot; writes fail
  kWrite,  // serialised with other writers (SQLite: BEGIN IMMEDIATE)
};

enum class Dialect { kSqlite, kPostgres };
std::string_view DialectName(Dialect d);  // "sqlite", "postgres"

// Errors from Exec/Query: kAlreadyExists for a UNIQUE/PRIMARY KEY violation,
// kFailedPrecondition for a foreign-key or CHECK violation or a trigger's
// refusal (the trigger's message is kept), kAborted when the database is busy
// (retry), kInvalidArgument for bad SQL, kInternal otherwise.
class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless Commit() succeeded

  // Runs one statement; returns the number of rows it changed.
  virtual Result<std::int64_t> Exec(std::string_view sql,
                                    std::initializer_list<Value> params = {}) = 0;
  virtual Result<std::int64_t> ExecV(std::string_view sql, const std::vector<Value>& params) = 0;
  // Runs one statement and returns all rows it produced.
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         std::initializer_list<Value> params = {}) = 0;
  virtual Result<std::vector<Row>> QueryV(std::string_view sql,
                                          const std::vector<Value>& params) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Makes the transaction durable. After Commit (ok or not) the object is spent.
  virtual Status Commit() = 0;

  // The first row, or kNotFound naming `what`.
  Result<Row> QueryOne(std::string_view what, std::string_view sql,
                       std::initializer_list<Value> params = {});
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Result<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;
  virtual Dialect dialect() const = 0;
  // "sqlite:/var/lib/evprov/evprov.db" — never contains a password.
  virtual std::string description() const = 0;
};

// Runs fn inside a transaction of the given mode and commits if fn returns ok.
// A kAborted (busy/serialisation) failure is retried, up to `attempts` times in all.
Status InTransaction(Store& store, TxMode mode, const std::function<Status(Transaction&)>& fn,
                     int attempts = 5);

// --- migrations -------------------------------------------------------------
// Numbered, per dialect, embedded from src/store/migrations/<dialect>/
// NNNN_name.{up,down}.sql. Each migration runs in its own transaction together
// with its bookkeeping row in schema_migrations.

// Highest migration version available for the dialect.
int LatestSchemaVersion(Dialect d);
// Current version of the store's schema (0 = empty).
Result<int> SchemaVersion(Store& store);
// Migrates up or down to `target` (0 .. LatestSchemaVersion).
Status MigrateTo(Store& store, int target);
inline Status MigrateToLatest(Store& store) {
  return MigrateTo(store, LatestSchemaVersion(store.dialect()));
}

// --- backends ---------------------------------------------------------------
struct SqliteOptions {
  std::string path;  // a file; created if missing when create is true
  bool create = true;
  int busy_timeout_ms = 10000;  // how long a writer waits for another writer
  // FULL: each commit survives power loss. NORMAL: survives a process crash
  // (kill -9) but may lose the last commits on power loss; faster.
  bool synchronous_full = true;
};
// Opens (and, if asked, creates) an SQLite store in WAL mode with foreign keys on.
// Does not migrate: call MigrateToLatest.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

// Opens a store from a URL: "sqlite:PATH" or a plain path (SQLite).
Result<std::unique_ptr<Store>> OpenStore(std::string_view url);

}  // namespace evprov::store
