#include "evprov/audit/audit.h"

#include "evprov/common/hex.h"
#include "evprov/common/time.h"

namespace evprov::audit {
namespace {

const std::string kGenesis(64, '0');

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '\n';
}

Entry FromRow(const store::Row& r) {
  Entry e;
  e.seq = r.Int(0);
  e.at = r.Text(1);
  e.actor = r.Text(2);
  e.action = r.Text(3);
  e.object = r.Text(4);
  e.detail = r.Text(5);
  e.prev_hash = r.Text(6);
  e.hash = r.Text(7);
  return e;
}

constexpr std::string_view kSelect =
    "SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_log";

}  // namespace

std::string EntryHash(const Entry& e) {
  // Length-prefixed fields, so no two different entries hash the same input.
  std::string in = "evprov-audit-v1\n";
  AppendField(in, std::to_string(e.seq));
  AppendField(in, e.at);
  AppendField(in, e.actor);
  AppendField(in, e.action);
  AppendField(in, e.object);
  AppendField(in, e.detail);
  AppendField(in, e.prev_hash);
  return Sha256Hex(in);
}

Status Append(store::Transaction& tx, std::string_view actor, std::string_view action,
              std::string_view object, std::string_view detail_json) {
  if (actor.empty()) return Status::InvalidArgument("audit.actor: empty");
  if (action.empty()) return Status::InvalidArgument("audit.action: empty");
  if (detail_json.empty() || detail_json.front() != '{') {
    return Status::InvalidArgument("audit.detail: must be a JSON object");
  }
  EVPROV_ASSIGN_OR_RETURN(auto last,
                          tx.Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  Entry e;
  e.seq = last.empty() ? 1 : last[0].Int(0) + 1;
  e.prev_hash = last.empty() ? kGenesis : last[0].Text(1);
  e.at = NowUtc(/*with_millis=*/true);
  e.actor = actor;
  e.action = action;
  e.object = object;
  e.detail = detail_json;
  e.hash = EntryHash(e);
  return tx
      .Exec(
          "INSERT INTO audit_log(seq, at, actor, action, object, detail, prev_hash, hash) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {e.seq, e.at, e.actor, e.action, e.object, e.detail, e.prev_hash, e.hash})
      .status();
}

Result<std::vector<Entry>> List(store::Transaction& tx, std::int64_t after_seq, int limit) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kSelect) + " WHERE seq > ? ORDER BY seq LIMIT ?", {after_seq, limit}));
  std::vector<Entry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

Status Verify(store::Transaction& tx) {
  EVPROV_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) + " ORDER BY seq"));
  std::string prev = kGenesis;
  std::int64_t expected_seq = 1;
  for (const auto& r : rows) {
    Entry e = FromRow(r);
    std::string where = "audit entry " + std::to_string(e.seq);
    if (e.seq != expected_seq) {
      return Status::FailedPrecondition(where + ": sequence gap (expected " +
                                        std::to_string(expected_seq) + ")");
    }
    if (e.prev_hash != prev)
      return Status::FailedPrecondition(where + ": prev_hash breaks the chain");
    if (EntryHash(e) != e.hash)
      return Status::FailedPrecondition(where + ": hash does not match its content");
    prev = e.hash;
    ++expected_seq;
  }
  return Status::Ok();
}

}  // namespace evprov::audit
