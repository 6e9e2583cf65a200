// `evprov audit list|verify`: reading the hash-chained audit log
// (include/evprov/audit/audit.h, docs/audit.md).
#include <memory>

#include "cli/command.h"
#include "evprov/audit/audit.h"

namespace evprov::cli {
namespace {

using nlohmann::ordered_json;

struct ListArgs {
  std::int64_t after = 0;
  int limit = 1000;
  std::string action;
};

ordered_json EntryRow(const audit::Entry& e) {
  return {{"seq", e.seq},       {"at", e.at},         {"actor", e.actor},
          {"action", e.action}, {"object", e.object}, {"detail", e.detail}};
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("audit", "Read and verify the audit log");
  group->require_subcommand(1);

  auto la = std::make_shared<ListArgs>();
  auto* list = group->add_subcommand("list", "List audit entries, oldest first");
  list->add_option("--after", la->after, "Only entries after this sequence number")
      ->check(CLI::NonNegativeNumber);
  list->add_option("--limit", la->limit, "At most this many (default 1000)")
      ->check(CLI::Range(1, 100000));
  list->add_option("--action", la->action, "Only this action, e.g. unit.register");
  list->callback(Run(ctx, [&ctx, la]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
          ordered_json rows = ordered_json::array();
          // Filtering by action pages through the log until `limit` rows match.
          std::int64_t after = la->after;
          while (static_cast<int>(rows.size()) < la->limit) {
            EVPROV_ASSIGN_OR_RETURN(auto page, audit::List(tx, after, la->limit));
            if (page.empty()) break;
            for (const auto& e : page) {
              if (!la->action.empty() && e.action != la->action) continue;
              if (static_cast<int>(rows.size()) < la->limit) rows.push_back(EntryRow(e));
            }
            after = page.back().seq;
          }
          return rows;
        }));
    PrintListing(ctx, {"seq", "at", "actor", "action", "object", "detail"}, out);
    return Status::Ok();
  }));

  auto* verify = group->add_subcommand(
      "verify", "Walk the whole hash chain; fails naming the first broken entry");
  verify->callback(Run(ctx, [&ctx]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_TRY(audit::Verify(tx));
          EVPROV_ASSIGN_OR_RETURN(
              auto row, tx.QueryOne("audit log", "SELECT COUNT(*), MAX(seq) FROM audit_log"));
          return ordered_json{{"chain", "intact"},
                              {"entries", row.Int(0)},
                              {"last_seq", row.OptInt(1).value_or(0)}};
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}

}  // namespace evprov::cli
