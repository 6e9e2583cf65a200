#include "evprov/store/store.h"

#include <chrono>
#include <thread>

namespace evprov::store {

std::int64_t Row::Int(std::size_t i) const {
  const Value& v = at(i);
  if (v.is_int()) return v.as_int();
  if (v.is_real()) return static_cast<std::int64_t>(v.as_real());
  if (v.is_text()) return std::stoll(v.as_text());
  return 0;
}

std::string Row::Text(std::size_t i) const {
  const Value& v = at(i);
  if (v.is_text()) return v.as_text();
  if (v.is_blob()) return v.as_blob().bytes;
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_real()) return std::to_string(v.as_real());
  return {};
}

std::optional<std::string> Row::OptText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::string_view DialectName(Dialect d) {
  switch (d) {
    case Dialect::kSqlite:
      return "sqlite";
    case Dialect::kPostgres:
      return "postgres";
  }
  return "unknown";
}

Result<Row> Transaction::QueryOne(std::string_view what, std::string_view sql,
                                  std::initializer_list<Value> params) {
  EVPROV_ASSIGN_OR_RETURN(auto rows, Query(sql, params));
  if (rows.empty()) return Status::NotFound(std::string(what) + ": not found");
  return std::move(rows.front());
}

Status InTransaction(Store& store, TxMode mode, const std::function<Status(Transaction&)>& fn,
                     int attempts) {
  Status last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    auto tx = store.Begin(mode);
    if (!tx.ok()) {
      last = tx.status();
      if (last.code() == StatusCode::kAborted) continue;
      return last;
    }
    last = fn(**tx);
    if (last.ok()) last = (*tx)->Commit();
    if (last.code() != StatusCode::kAborted) return last;
  }
  return last;
}

Result<std::unique_ptr<Store>> OpenStore(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return Status::InvalidArgument(
        "store: the PostgreSQL backend is not built yet; use sqlite:PATH");
  }
  SqliteOptions options;
  options.path = std::string(url.rfind(kSqlite, 0) == 0 ? url.substr(kSqlite.size()) : url);
  if (options.path.empty()) return Status::InvalidArgument("store: empty path");
  return OpenSqliteStore(options);
}

}  // namespace evprov::store
