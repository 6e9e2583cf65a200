// The audit log: append-only and hash-chained (format: docs/audit.md).
//
// Every change to the catalog, units, certificates and credentials appends one
// entry, with its actor, in the same transaction as the change itself, so an
// entry exists if and only if the change does. Each entry's hash covers the
// previous entry's hash, so a deleted or edited entry breaks the chain that
// Verify walks. The table refuses UPDATE and DELETE (triggers).
//
// Details must not contain secrets. Thread-safety: functions take the caller's
// Transaction; concurrent appenders are serialised by the store's write lock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::audit {

struct Entry {
  std::int64_t seq = 0;
  std::string at;         // RFC 3339 UTC
  std::string actor;      // user name, or "station" / "pipeline" for the system
  std::string action;     // dotted verb, e.g. "variant.approve"
  std::string object;     // what it acted on, e.g. "variant/wallbox-ac22@2"
  std::string detail;     // compact JSON object
  std::string prev_hash;  // hex SHA-256 of the previous entry ("0"*64 for the first)
  std::string hash;       // hex SHA-256 over the fields above (docs/audit.md)
};

// Appends one entry inside tx. REQUIRES: tx is a write transaction.
// detail_json must be a JSON object ("{}" when there is nothing to add).
Status Append(store::Transaction& tx, std::string_view actor, std::string_view action,
              std::string_view object, std::string_view detail_json = "{}");

// Entries with seq > after_seq, oldest first, at most limit.
Result<std::vector<Entry>> List(store::Transaction& tx, std::int64_t after_seq = 0,
                                int limit = 1000);

// Walks the whole chain; kFailedPrecondition naming the first broken seq.
Status Verify(store::Transaction& tx);

// The hash of an entry as docs/audit.md defines it.
std::string EntryHash(const Entry& e);

}  // namespace evprov::audit
