// The catalog repository: variants (versioned, immutable once approved),
// environments and work orders in the store. Every function works inside the
// caller's Transaction, so the CLI and the REST API share this code and a
// change commits together with its audit entry (audit::Append, same tx).
//
// Rules enforced here (and, where the schema can, again by constraints and
// triggers in migration 0001):
//  - a variant version is latest+1 for its name; re-importing the content of
//    the latest version returns that version and changes nothing;
//  - approval needs a second person (approver != author) and happens once;
//    approved versions cannot be updated or deleted;
//  - an environment's kind never changes (a production environment cannot be
//    turned into a staging one to dodge approval);
//  - a work order for a production environment needs an approved variant
//    version, and every ${env.*} its template uses must exist there.
//
// Actors are user names (or "station" for the system); they are audited.
// Thread-safety: functions use only the given Transaction, which belongs to
// one thread (store.h).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::catalog {

enum class VariantStatus { kDraft, kApproved };
std::string_view VariantStatusName(VariantStatus s);  // "draft" | "approved"

// One stored variant version, without its document.
struct VariantRecord {
  std::string name;
  int version = 0;
  VariantStatus status = VariantStatus::kDraft;
  std::string author;
  std::optional<std::string> approver;
  std::string created_at;  // RFC 3339 UTC
  std::optional<std::string> approved_at;
  std::string source;          // file (or API) it came from
  std::string content_sha256;  // of the canonical JSON (json.h)
};

struct EnvironmentRecord {
  std::string name;
  std::string kind;
  std::string source;
  std::string updated_by;
  std::string updated_at;
  std::string content_sha256;
};

struct WorkOrderRecord {
  WorkOrder order;
  std::string status;  // "open" | "closed"
  std::string created_by;
  std::string created_at;
};

enum class ImportOutcome { kCreated, kUpdated, kUnchanged };
std::string_view ImportOutcomeName(ImportOutcome o);  // "created" | "updated" | "unchanged"

// --- variants ------------------------------------------------------------------

// Validates and stores the variant (its version field is ignored) and returns
// its version number. REQUIRES: tx is a write transaction.
Result<int> ImportVariant(store::Transaction& tx, const Variant& variant, std::string_view source,
                          std::string_view author);

// PermissionDenied when approver is the author; FailedPrecondition when the
// version is already approved; NotFound when it does not exist.
Status ApproveVariant(store::Transaction& tx, std::string_view name, int version,
                      std::string_view approver);

// Variants parsed before, by stored content (sha256, name and version), so
// that a station does not parse the same document for every unit. The stored
// row is still read and its hash checked on every Get: a changed document
// is a different key. Thread-safe; bounded (emptied at kMaxEntries).
class VariantCache {
 public:
  static constexpr std::size_t kMaxEntries = 256;
  std::size_t parses() const;  // how many documents were parsed (not found here)

 private:
  friend Result<Variant> GetVariant(store::Transaction&, std::string_view, int, VariantCache*);
  mutable std::mutex mu_;
  std::map<std::string, Variant, std::less<>> parsed_;
  std::size_t parses_ = 0;
};

// version 0 = the latest version. The result carries its version. With a
// cache, a document parsed before is not parsed again.
Result<Variant> GetVariant(store::Transaction& tx, std::string_view name, int version = 0,
                           VariantCache* cache = nullptr);
Result<VariantRecord> GetVariantRecord(store::Transaction& tx, std::string_view name,
                                       int version = 0);
// Every version of every variant, by name then version.
Result<std::vector<VariantRecord>> ListVariants(store::Transaction& tx);

// --- environments ---------------------------------------------------------------

// Validates and inserts or replaces the environment; audited with the old and
// new content hash. FailedPrecondition if the kind would change.
Result<ImportOutcome> ImportEnvironment(store::Transaction& tx, const Environment& env,
                                        std::string_view source, std::string_view actor);
Result<Environment> GetEnvironment(store::Transaction& tx, std::string_view name);
Result<std::vector<EnvironmentRecord>> ListEnvironments(store::Transaction& tx);

// --- work orders ----------------------------------------------------------------

// Validates and stores the order (status "open"). NotFound for a missing
// variant version or environment; FailedPrecondition for an unapproved
// variant in a production environment or a template placeholder the
// environment cannot fill; AlreadyExists for a duplicate id.
Status CreateWorkOrder(store::Transaction& tx, const WorkOrder& order, std::string_view actor);
Result<WorkOrderRecord> GetWorkOrder(store::Transaction& tx, std::string_view id);
// Oldest first.
Result<std::vector<WorkOrderRecord>> ListWorkOrders(store::Transaction& tx);

}  // namespace evprov::catalog
