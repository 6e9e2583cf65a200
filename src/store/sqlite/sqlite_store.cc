// The embedded SQLite backend: WAL, one file, foreign keys on, a small pool of
// connections (one per concurrently open transaction) with cached statements.
#include <sqlite3.h>

#include <mutex>
#include <unordered_map>

#include "evprov/store/store.h"

namespace evprov::store {
namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(msg);
      }
      return Status::FailedPrecondition(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Aborted(msg);
    case SQLITE_ERROR:
      return Status::InvalidArgument(msg);
    default:
      return Status::Internal(msg);
  }
}

// One connection and its statement cache.
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  Status Simple(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::Ok();
    std::string m = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status s = SqliteError(nullptr, rc, sql);
    return Status(s.code(), std::string(sql) + ": " + m);
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteStore;

class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(SqliteStore* store, std::unique_ptr<Connection> conn, TxMode mode)
      : store_(store), conn_(std::move(conn)), mode_(mode) {}
  ~SqliteTransaction() override;

  Result<std::int64_t> Exec(std::string_view sql, std::initializer_list<Value> params) override {
    return Run(sql, params.begin(), params.size(), nullptr);
  }
  Result<std::int64_t> ExecV(std::string_view sql, const std::vector<Value>& params) override {
    return Run(sql, params.data(), params.size(), nullptr);
  }
  Result<std::vector<Row>> Query(std::string_view sql,
                                 std::initializer_list<Value> params) override {
    std::vector<Row> rows;
    auto r = Run(sql, params.begin(), params.size(), &rows);
    if (!r.ok()) return r.status();
    return rows;
  }
  Result<std::vector<Row>> QueryV(std::string_view sql, const std::vector<Value>& params) override {
    std::vector<Row> rows;
    auto r = Run(sql, params.data(), params.size(), &rows);
    if (!r.ok()) return r.status();
    return rows;
  }
  Status ExecScript(std::string_view sql) override {
    if (done_) return Status::FailedPrecondition("transaction already finished");
    return conn_->Simple(std::string(sql).c_str());
  }
  Status Commit() override;

 private:
  Result<std::int64_t> Run(std::string_view sql, const Value* params, std::size_t n,
                           std::vector<Row>* rows);
  void Release();

  SqliteStore* store_;
  std::unique_ptr<Connection> conn_;
  TxMode mode_;
  bool done_ = false;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(SqliteOptions options) : options_(std::move(options)) {}

  Status Init() {
    auto conn = OpenConnection();
    if (!conn.ok()) return conn.status();
    Give(std::move(conn).value());
    return Status::Ok();
  }

  Result<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    std::unique_ptr<Connection> conn = Take();
    if (!conn) {
      auto opened = OpenConnection();
      if (!opened.ok()) return opened.status();
      conn = std::move(opened).value();
    }
    Status s = conn->Simple(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    if (!s.ok()) {
      Give(std::move(conn));
      return s;
    }
    return std::unique_ptr<Transaction>(new SqliteTransaction(this, std::move(conn), mode));
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string description() const override { return "sqlite:" + options_.path; }

  void Give(std::unique_ptr<Connection> conn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (pool_.size() < kMaxIdle) pool_.push_back(std::move(conn));
  }

 private:
  static constexpr std::size_t kMaxIdle = 16;

  std::unique_ptr<Connection> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (pool_.empty()) return nullptr;
    auto conn = std::move(pool_.back());
    pool_.pop_back();
    return conn;
  }

  Result<std::unique_ptr<Connection>> OpenConnection() {
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (options_.create) flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(options_.path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      Status s = SqliteError(db, rc, "open " + options_.path);
      sqlite3_close_v2(db);
      return s;
    }
    auto conn = std::make_unique<Connection>(db);
    sqlite3_busy_timeout(db, options_.busy_timeout_ms);
    sqlite3_extended_result_codes(db, 1);
    // temp_store=MEMORY: savepoints' statement journals stay in memory; they only
    // serve a rollback inside this process, and on disk they cost a temp file and
    // its writes for each group commit batch.
    std::string pragmas =
        "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
        "PRAGMA synchronous=";
    pragmas += options_.synchronous_full ? "FULL;" : "NORMAL;";
    Status s = conn->Simple(pragmas.c_str());
    if (!s.ok()) return s.WithContext("open " + options_.path);
    return conn;
  }

  SqliteOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> pool_;
};

SqliteTransaction::~SqliteTransaction() {
  if (!done_) {
    (void)conn_->Simple("ROLLBACK");
    Release();
  }
}

void SqliteTransaction::Release() {
  done_ = true;
  store_->Give(std::move(conn_));
}

Status SqliteTransaction::Commit() {
  if (done_) return Status::FailedPrecondition("transaction already finished");
  Status s = conn_->Simple("COMMIT");
  if (!s.ok()) (void)conn_->Simple("ROLLBACK");
  Release();
  return s;
}

Result<std::int64_t> SqliteTransaction::Run(std::string_view sql, const Value* params,
                                            std::size_t n, std::vector<Row>* rows) {
  if (done_) return Status::FailedPrecondition("transaction already finished");
  EVPROV_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  sqlite3* db = conn_->db();
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } reset{stmt};
  if (mode_ == TxMode::kRead && !sqlite3_stmt_readonly(stmt)) {
    return Status::FailedPrecondition("write statement in a read transaction");
  }
  if (static_cast<int>(n) != sqlite3_bind_parameter_count(stmt)) {
    return Status::InvalidArgument("sql expects " +
                                   std::to_string(sqlite3_bind_parameter_count(stmt)) +
                                   " parameters, got " + std::to_string(n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    int idx = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    if (v.is_null()) {
      rc = sqlite3_bind_null(stmt, idx);
    } else if (v.is_int()) {
      rc = sqlite3_bind_int64(stmt, idx, v.as_int());
    } else if (v.is_real()) {
      rc = sqlite3_bind_double(stmt, idx, v.as_real());
    } else if (v.is_text()) {
      rc = sqlite3_bind_text(stmt, idx, v.as_text().data(), static_cast<int>(v.as_text().size()),
                             SQLITE_STATIC);
    } else {
      rc = sqlite3_bind_blob(stmt, idx, v.as_blob().bytes.data(),
                             static_cast<int>(v.as_blob().bytes.size()), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return SqliteError(db, rc, "bind");
  }
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return SqliteError(db, sqlite3_extended_errcode(db), "step");
    if (!rows) continue;
    int cols = sqlite3_column_count(stmt);
    std::vector<Value> values;
    values.reserve(cols);
    for (int c = 0; c < cols; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          values.emplace_back(static_cast<long long>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          values.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_TEXT:
          values.emplace_back(
              std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                          sqlite3_column_bytes(stmt, c)));
          break;
        case SQLITE_BLOB: {
          const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          values.emplace_back(Blob{std::string(p ? p : "", sqlite3_column_bytes(stmt, c))});
          break;
        }
        default:
          values.emplace_back();
          break;
      }
    }
    rows->emplace_back(std::move(values));
  }
  return static_cast<std::int64_t>(sqlite3_changes(db));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("store path: empty");
  auto store = std::make_unique<SqliteStore>(options);
  EVPROV_TRY(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace evprov::store
