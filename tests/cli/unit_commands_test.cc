// evprov unit list --unsealed and unit show's journal: ready units whose seal
// was not confirmed are listed; show prints the unit's journal (the finalize
// snapshot as its size) and whether the seal is done.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_store_fixture.h"
#include "evprov/store/store.h"
#include "evprov/units/units.h"
#include "pipeline/journal.h"

namespace evprov::test {
namespace {

using nlohmann::json;

class CliUnitTest : public CliStoreTest {
 protected:
  // Registers a unit and takes it to ready the way the station's journal
  // does; sealed adds the "seal done" record.
  std::int64_t ReadyUnit(const std::string& hardware_id, bool sealed) {
    json unit = CliJson(
        {"--actor", "mes", "unit", "register", "--hardware-id", hardware_id, "--revision", "B"});
    const std::int64_t id = unit.value("id", std::int64_t{0});
    EXPECT_GT(id, 0);
    auto store = store::OpenStore(db_);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return id;
    Status s = store::InTransaction(**store, store::TxMode::kWrite, [&](store::Transaction& tx) {
      EVPROV_TRY(units::SetState(tx, id, units::UnitState::kProvisioning, "finalize", "", "st"));
      EVPROV_TRY(pipeline::RecordStarted(tx, id, "finalize", false, 1, "st"));
      const json detail = {
          {"ms", 5}, {"configuration", {{"A.x", {{"Actual", "1"}}}, {"B.y", json::object()}}}};
      EVPROV_TRY(pipeline::RecordDone(tx, id, "finalize", std::nullopt, detail, "st"));
      if (!sealed) return Status::Ok();
      return pipeline::RecordEvent(tx, id, "seal", "done", {{"validation_root_removed", true}});
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }
};

TEST_F(CliUnitTest, UnsealedListsReadyUnitsWithoutASealRecord) {
  ReadyUnit("HW-1", /*sealed=*/true);
  const std::int64_t unsealed = ReadyUnit("HW-2", /*sealed=*/false);
  ReadyUnit("HW-3", /*sealed=*/true);
  CliJson({"--actor", "mes", "unit", "register", "--hardware-id", "HW-4", "--revision", "B"});

  json listed = CliJson({"unit", "list", "--unsealed"});
  ASSERT_EQ(listed.size(), 1U) << listed.dump();
  EXPECT_EQ(listed[0]["hardware_id"], "HW-2");
  EXPECT_EQ(listed[0]["id"], unsealed);
  EXPECT_EQ(listed[0]["state"], "ready");
  EXPECT_EQ(CliJson({"unit", "list", "--state", "ready"}).size(), 3U);

  CliRun both = Cli({"unit", "list", "--unsealed", "--state", "ready"});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("--unsealed"), std::string::npos) << both.err;
}

TEST_F(CliUnitTest, ShowPrintsTheJournalAndWhetherTheSealIsDone) {
  ReadyUnit("HW-1", /*sealed=*/true);
  ReadyUnit("HW-2", /*sealed=*/false);
  json sealed = CliJson({"unit", "show", "HW-1"});
  EXPECT_EQ(sealed["sealed"], true);
  ASSERT_EQ(sealed["journal"].size(), 3U) << sealed["journal"].dump();
  EXPECT_EQ(sealed["journal"][0]["event"], "started");
  EXPECT_EQ(sealed["journal"][1]["step"], "finalize");
  EXPECT_EQ(sealed["journal"][1]["event"], "done");
  EXPECT_EQ(sealed["journal"][1]["detail"]["configuration_variables"], 2);
  EXPECT_FALSE(sealed["journal"][1]["detail"].contains("configuration"));
  EXPECT_EQ(sealed["journal"][1]["detail"]["ms"], 5);
  EXPECT_EQ(sealed["journal"][2]["step"], "seal");

  json open = CliJson({"unit", "show", "HW-2"});
  EXPECT_EQ(open["sealed"], false);
  EXPECT_EQ(open["journal"].size(), 2U);
  EXPECT_FALSE(Cli({"unit", "show", "HW-2"}).out.empty());
}

// Without --json, the journal is a table: one line per record under a
// header, details as key=value pairs, never a JSON array on one line.
TEST_F(CliUnitTest, ShowInTextModePrintsTheJournalAsATable) {
  ReadyUnit("HW-1", /*sealed=*/true);
  CliRun shown = Cli({"unit", "show", "HW-1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; at < shown.out.size(); at = end + 1) {
    end = shown.out.find('\n', at);
    if (end == std::string::npos) end = shown.out.size();
    lines.push_back(shown.out.substr(at, end - at));
  }
  auto journal = std::find(lines.begin(), lines.end(), "journal:");
  ASSERT_NE(journal, lines.end()) << shown.out;
  ASSERT_GE(lines.end() - journal, 5) << shown.out;
  const std::string& header = *(journal + 1);
  EXPECT_EQ(header.rfind("  AT", 0), 0U) << header;
  EXPECT_NE(header.find("STEP"), std::string::npos);
  EXPECT_NE(header.find("DETAIL"), std::string::npos);
  // started, done, seal: aligned under the header, details as pairs.
  EXPECT_NE((journal + 2)->find("started"), std::string::npos) << *(journal + 2);
  EXPECT_NE((journal + 2)->find("attempt=1"), std::string::npos) << *(journal + 2);
  const std::string& done = *(journal + 3);
  EXPECT_EQ(done.find("finalize"), header.find("STEP")) << shown.out;
  EXPECT_NE(done.find("configuration_variables=2 ms=5"), std::string::npos) << done;
  EXPECT_NE((journal + 4)->find("validation_root_removed=true"), std::string::npos);
  EXPECT_EQ(shown.out.find("[{"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("sealed: true"), std::string::npos) << shown.out;
}

}  // namespace
}  // namespace evprov::test
