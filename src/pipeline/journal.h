// The unit journal: one record per step event (started, done, failed), each
// committed with the unit's state and step in the same transaction ("journal,
// then pointer"). Details are JSON without secrets.
//
// The Record* functions write into the caller's transaction (the runner runs
// them through the station's GroupCommit, see pipeline/commit.h).
// Thread-safety: free functions over a Transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::pipeline {

// The step begins (attempt n): a registered unit becomes provisioning
// (audited); a provisioning unit only records the step (journal, no audit).
// The unit must be where the runner left it: provisioning at `step` (set by
// the previous step's RecordDone, or by an earlier attempt), or registered
// when the runner begins its journey (`first_step`). Otherwise someone else
// moved it (reprovision, scrap, a second station): FailedPrecondition naming
// its state and step, and nothing is written.
Status RecordStarted(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                     bool first_step, int attempt, std::string_view actor);
// The step is done: the unit moves to `next` (its step; not audited), or to
// ready when there is none (a state change, audited).
Status RecordDone(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                  std::optional<std::string_view> next, const nlohmann::json& detail,
                  std::string_view actor);
// The step failed. `final`: the unit becomes failed with `reason` (else the
// step will be tried again and the record says so).
Status RecordFailed(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                    std::string_view reason, bool final, std::string_view actor);

// A journal record that does not move the unit (the seal after ready).
Status RecordEvent(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                   std::string_view event, const nlohmann::json& detail);

struct JournalRecord {
  std::int64_t id = 0;
  std::string step;
  std::string event;  // started | done | failed
  nlohmann::json detail;
  std::string at;
};
// The record that confirms a unit's seal (what CountSealedUnits and
// UnsealedReadyUnits look for).
inline bool IsSealDone(const JournalRecord& r) {
  return r.step == "seal" && r.event == "done";
}
// The unit's journal, oldest first.
Result<std::vector<JournalRecord>> ReadJournal(store::Transaction& tx, std::int64_t unit_id);

// Units whose seal is journaled as done (docs/pipeline.md, "The seal").
Result<std::int64_t> CountSealedUnits(store::Transaction& tx);
// Ready units without a "seal done" record, by id (at most limit): the seal
// was not confirmed (docs/pipeline.md, "Why the seal takes three changes").
Result<std::vector<std::int64_t>> UnsealedReadyUnits(store::Transaction& tx, int limit);

}  // namespace evprov::pipeline
