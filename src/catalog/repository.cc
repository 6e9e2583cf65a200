// Variants and environments in the store (work orders: work_order_repository.cc).
#include "evprov/catalog/repository.h"

#include <nlohmann/json.hpp>

#include "catalog/repository_internal.h"
#include "evprov/audit/audit.h"
#include "evprov/catalog/json.h"
#include "evprov/catalog/loader.h"
#include "evprov/common/hex.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"

namespace evprov::catalog {
namespace {

// Columns 0..8 are a VariantRecord; FindVariant adds id (9) and document (10).
constexpr std::string_view kVariantColumns =
    "SELECT name, version, status, author, approver, created_at, approved_at, source, "
    "content_sha256";

VariantRecord VariantFromRow(const store::Row& r) {
  VariantRecord v;
  v.name = r.Text(0);
  v.version = static_cast<int>(r.Int(1));
  v.status = r.Text(2) == "approved" ? VariantStatus::kApproved : VariantStatus::kDraft;
  v.author = r.Text(3);
  v.approver = r.OptText(4);
  v.created_at = r.Text(5);
  v.approved_at = r.OptText(6);
  v.source = r.Text(7);
  v.content_sha256 = r.Text(8);
  return v;
}

Status CheckActor(std::string_view actor, std::string_view what) {
  if (actor.empty()) return Status::InvalidArgument(std::string(what) + ": empty");
  return Status::Ok();
}

// The stored document, checked against its recorded hash.
Result<std::string> VerifiedDocument(const store::Row& r, std::size_t doc, std::size_t sha,
                                     std::string_view object) {
  std::string document = r.Text(doc);
  if (Sha256Hex(document) != r.Text(sha)) {
    return Status::Internal(std::string(object) +
                            ": stored document does not match its content_sha256");
  }
  return document;
}

}  // namespace

std::string_view VariantStatusName(VariantStatus s) {
  switch (s) {
    case VariantStatus::kDraft:
      return "draft";
    case VariantStatus::kApproved:
      return "approved";
  }
  return "draft";
}

std::string_view ImportOutcomeName(ImportOutcome o) {
  switch (o) {
    case ImportOutcome::kCreated:
      return "created";
    case ImportOutcome::kUpdated:
      return "updated";
    case ImportOutcome::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

std::string VariantObject(std::string_view name, int version) {
  return "variant/" + std::string(name) + "@" + std::to_string(version);
}

// --- variants ------------------------------------------------------------------

Result<int> ImportVariant(store::Transaction& tx, const Variant& variant, std::string_view source,
                          std::string_view author) {
  EVPROV_TRY(CheckActor(author, "variant.author"));
  EVPROV_TRY(ValidateVariant(variant, source));
  const std::string document = ToJson(variant);
  const std::string sha = Sha256Hex(document);
  EVPROV_ASSIGN_OR_RETURN(auto latest,
                          tx.Query("SELECT version, content_sha256 FROM variants WHERE name = ? "
                                   "ORDER BY version DESC LIMIT 1",
                                   {variant.name}));
  if (!latest.empty() && latest[0].Text(1) == sha) {
    const int version = static_cast<int>(latest[0].Int(0));
    log::Info("catalog.variant.unchanged",
              {{"variant", variant.name}, {"version", version}, {"sha256", sha}});
    return version;
  }
  const int version = latest.empty() ? 1 : static_cast<int>(latest[0].Int(0)) + 1;
  EVPROV_TRY(tx.Exec("INSERT INTO variants(name, version, status, document, content_sha256, "
                     "source, author, created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)",
                     {variant.name, version, document, sha, source, author, NowUtc()})
                 .status());
  const nlohmann::json detail = {{"sha256", sha}, {"source", source}};
  EVPROV_TRY(audit::Append(tx, author, "variant.import", VariantObject(variant.name, version),
                           detail.dump()));
  log::Info("catalog.variant.imported",
            {{"variant", variant.name}, {"version", version}, {"sha256", sha}});
  return version;
}

Result<StoredVariant> FindVariant(store::Transaction& tx, std::string_view name, int version) {
  const std::string what =
      version == 0 ? "variant '" + std::string(name) + "'"
                   : "variant '" + std::string(name) + "@" + std::to_string(version) + "'";
  const std::string select = std::string(kVariantColumns) + ", id, document FROM variants";
  EVPROV_ASSIGN_OR_RETURN(
      store::Row row,
      version == 0
          ? tx.QueryOne(what, select + " WHERE name = ? ORDER BY version DESC LIMIT 1", {name})
          : tx.QueryOne(what, select + " WHERE name = ? AND version = ?", {name, version}));
  StoredVariant out;
  out.record = VariantFromRow(row);
  out.row_id = row.Int(9);
  EVPROV_ASSIGN_OR_RETURN(out.document,
                          VerifiedDocument(row, 10, 8, VariantObject(name, out.record.version)));
  return out;
}

Result<VariantRecord> GetVariantRecord(store::Transaction& tx, std::string_view name, int version) {
  EVPROV_ASSIGN_OR_RETURN(StoredVariant stored, FindVariant(tx, name, version));
  return std::move(stored.record);
}

Status ApproveVariant(store::Transaction& tx, std::string_view name, int version,
                      std::string_view approver) {
  EVPROV_TRY(CheckActor(approver, "variant.approver"));
  if (version < 1) return Status::InvalidArgument("variant.version: must be >= 1 to approve");
  EVPROV_ASSIGN_OR_RETURN(VariantRecord rec, GetVariantRecord(tx, name, version));
  const std::string object = VariantObject(name, version);
  switch (rec.status) {
    case VariantStatus::kApproved:
      return Status::FailedPrecondition(object + ": already approved by " +
                                        rec.approver.value_or("?") + " at " +
                                        rec.approved_at.value_or("?"));
    case VariantStatus::kDraft:
      break;
  }
  if (rec.author == approver) {
    return Status::PermissionDenied(object + ": approval needs a second person; '" +
                                    std::string(approver) + "' is its author");
  }
  EVPROV_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Exec("UPDATE variants SET status = 'approved', approver = ?, approved_at = ? "
              "WHERE name = ? AND version = ? AND status = 'draft'",
              {approver, NowUtc(), name, version}));
  if (changed != 1) return Status::Aborted(object + ": changed while approving; retry");
  const nlohmann::json detail = {{"sha256", rec.content_sha256}, {"author", rec.author}};
  EVPROV_TRY(audit::Append(tx, approver, "variant.approve", object, detail.dump()));
  log::Info("catalog.variant.approved", {{"variant", std::string(name)}, {"version", version}});
  return Status::Ok();
}

std::size_t VariantCache::parses() const {
  std::lock_guard lock(mu_);
  return parses_;
}

Result<Variant> GetVariant(store::Transaction& tx, std::string_view name, int version,
                           VariantCache* cache) {
  EVPROV_ASSIGN_OR_RETURN(StoredVariant stored, FindVariant(tx, name, version));
  std::string key;
  if (cache != nullptr) {
    key = stored.record.content_sha256 + '/' + stored.record.name + '@' +
          std::to_string(stored.record.version);
    std::lock_guard lock(cache->mu_);
    auto it = cache->parsed_.find(key);
    if (it != cache->parsed_.end()) return it->second;
  }
  EVPROV_ASSIGN_OR_RETURN(Variant v, VariantFromJson(stored.document));
  v.version = stored.record.version;
  if (cache != nullptr) {
    std::lock_guard lock(cache->mu_);
    ++cache->parses_;
    if (cache->parsed_.size() >= VariantCache::kMaxEntries) cache->parsed_.clear();
    cache->parsed_.emplace(key, v);
  }
  return v;
}

Result<std::vector<VariantRecord>> ListVariants(store::Transaction& tx) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kVariantColumns) + " FROM variants ORDER BY name, version"));
  std::vector<VariantRecord> out;
  out.reserve(rows.size());
  for (const store::Row& r : rows) out.push_back(VariantFromRow(r));
  return out;
}

// --- environments ---------------------------------------------------------------

Result<ImportOutcome> ImportEnvironment(store::Transaction& tx, const Environment& env,
                                        std::string_view source, std::string_view actor) {
  EVPROV_TRY(CheckActor(actor, "environment.actor"));
  EVPROV_TRY(ValidateEnvironment(env, source));
  const std::string document = ToJson(env);
  const std::string sha = Sha256Hex(document);
  const std::string object = "environment/" + env.name;
  EVPROV_ASSIGN_OR_RETURN(auto old, tx.Query("SELECT document, content_sha256 FROM environments "
                                             "WHERE name = ?",
                                             {env.name}));
  std::optional<std::string> old_sha;
  if (!old.empty()) {
    old_sha = old[0].Text(1);
    if (*old_sha == sha) return ImportOutcome::kUnchanged;
    EVPROV_ASSIGN_OR_RETURN(std::string old_doc, VerifiedDocument(old[0], 0, 1, object));
    EVPROV_ASSIGN_OR_RETURN(Environment previous, EnvironmentFromJson(old_doc));
    if (previous.kind != env.kind) {
      return Status::FailedPrecondition(std::string(source) + ": kind: environment '" + env.name +
                                        "' is " + previous.kind + " and stays so (got " + env.kind +
                                        "); create a new environment instead");
    }
  }
  EVPROV_TRY(tx.Exec("INSERT INTO environments(name, document, content_sha256, source, "
                     "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (name) DO UPDATE SET document = excluded.document, "
                     "content_sha256 = excluded.content_sha256, source = excluded.source, "
                     "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                     {env.name, document, sha, source, actor, NowUtc()})
                 .status());
  nlohmann::json detail = {{"new_sha256", sha}, {"source", source}, {"kind", env.kind}};
  detail["old_sha256"] = old_sha ? nlohmann::json(*old_sha) : nlohmann::json(nullptr);
  const ImportOutcome outcome = old_sha ? ImportOutcome::kUpdated : ImportOutcome::kCreated;
  EVPROV_TRY(audit::Append(tx, actor, old_sha ? "environment.update" : "environment.create", object,
                           detail.dump()));
  log::Info("catalog.environment.imported",
            {{"environment", env.name}, {"outcome", ImportOutcomeName(outcome)}});
  return outcome;
}

Result<Environment> GetEnvironment(store::Transaction& tx, std::string_view name) {
  const std::string object = "environment '" + std::string(name) + "'";
  EVPROV_ASSIGN_OR_RETURN(
      store::Row row,
      tx.QueryOne(object, "SELECT document, content_sha256 FROM environments WHERE name = ?",
                  {name}));
  EVPROV_ASSIGN_OR_RETURN(std::string document, VerifiedDocument(row, 0, 1, object));
  return EnvironmentFromJson(document);
}

Result<std::vector<EnvironmentRecord>> ListEnvironments(store::Transaction& tx) {
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT name, document, content_sha256, source, updated_by, "
                                   "updated_at FROM environments ORDER BY name"));
  std::vector<EnvironmentRecord> out;
  for (const store::Row& r : rows) {
    EVPROV_ASSIGN_OR_RETURN(std::string document,
                            VerifiedDocument(r, 1, 2, "environment '" + r.Text(0) + "'"));
    EVPROV_ASSIGN_OR_RETURN(Environment env, EnvironmentFromJson(document));
    out.push_back({r.Text(0), env.kind, r.Text(3), r.Text(4), r.Text(5), r.Text(2)});
  }
  return out;
}

}  // namespace evprov::catalog
