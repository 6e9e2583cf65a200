// The simulated charger's dual-bank flash (src/sim/state_file.h): writes
// alternate between the banks, the newest whole bank wins, a torn or
// shrunken write never loses the previous state.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/state_file.h"
#include "support/temp_dir.h"

namespace evprov::sim {
namespace {

using nlohmann::json;

void Overwrite(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

TEST(StateBanksTest, EmptyDirectoryIsNotFound) {
  test::TempDir dir;
  StateBanks banks(dir.path());
  auto loaded = banks.Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
}

TEST(StateBanksTest, WritesAlternateAndTheNewestWins) {
  test::TempDir dir;
  StateBanks banks(dir.path());
  ASSERT_TRUE(banks.Store({{"n", 1}}).ok());
  EXPECT_EQ(banks.current_path(), dir.path() + "/state.0.json");
  ASSERT_TRUE(banks.Store({{"n", 2}}).ok());
  EXPECT_EQ(banks.current_path(), dir.path() + "/state.1.json");
  ASSERT_TRUE(banks.Store({{"n", 3}}).ok());
  EXPECT_EQ(banks.current_path(), dir.path() + "/state.0.json");
  // The other bank still holds the previous state.
  EXPECT_EQ(json::parse(evprov::test::ReadTextFile(dir.path() + "/state.1.json"))["n"], 2);
  EXPECT_EQ(std::filesystem::status(dir.path() + "/state.0.json").permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  StateBanks reopened(dir.path());
  auto loaded = reopened.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)["n"], 3);
  EXPECT_EQ((*loaded)["generation"], 3);
  // The next write after a reload goes to the older bank.
  ASSERT_TRUE(reopened.Store({{"n", 4}}).ok());
  EXPECT_EQ(reopened.current_path(), dir.path() + "/state.1.json");
  EXPECT_EQ(json::parse(evprov::test::ReadTextFile(dir.path() + "/state.1.json"))["generation"], 4);
}

std::size_t OpenDescriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// The bank files stay open between writes: two descriptors per charger, not
// one per write, and none left once the banks are gone.
TEST(StateBanksTest, KeepsOneDescriptorPerBankAndClosesThem) {
  test::TempDir dir;
  const std::size_t before = OpenDescriptors();
  {
    StateBanks banks(dir.path());
    for (int n = 1; n <= 200; ++n) ASSERT_TRUE(banks.Store({{"n", n}}).ok());
    EXPECT_EQ(OpenDescriptors(), before + 2);
    StateBanks reopened(dir.path());
    auto loaded = reopened.Load();
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_EQ((*loaded)["n"], 200);
  }
  EXPECT_EQ(OpenDescriptors(), before);
}

TEST(StateBanksTest, AShorterStateIsPaddedNotTruncatedAndStillParses) {
  test::TempDir dir;
  StateBanks banks(dir.path());
  ASSERT_TRUE(banks.Store({{"big", std::string(4000, 'x')}}).ok());
  ASSERT_TRUE(banks.Store({{"n", 2}}).ok());
  ASSERT_TRUE(banks.Store({{"small", 1}}).ok());  // bank 0 again, much shorter
  const std::string text = evprov::test::ReadTextFile(dir.path() + "/state.0.json");
  EXPECT_GE(text.size(), 4000U) << "padded to the bank's previous length";
  EXPECT_EQ(text.find('x'), std::string::npos) << "the old contents are overwritten";
  StateBanks reopened(dir.path());
  auto loaded = reopened.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)["small"], 1);
  EXPECT_FALSE(loaded->contains("big"));
}

TEST(StateBanksTest, ATornBankFallsBackToThePreviousState) {
  test::TempDir dir;
  StateBanks banks(dir.path());
  ASSERT_TRUE(banks.Store({{"n", 1}}).ok());
  ASSERT_TRUE(banks.Store({{"n", 2}}).ok());
  // A process killed in the middle of writing bank 1: half a JSON object.
  const std::string whole = evprov::test::ReadTextFile(dir.path() + "/state.1.json");
  Overwrite(dir.path() + "/state.1.json", whole.substr(0, whole.size() / 2));
  StateBanks reopened(dir.path());
  auto loaded = reopened.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)["n"], 1);
  // The torn bank is the one written next, so the good copy survives.
  ASSERT_TRUE(reopened.Store({{"n", 3}}).ok());
  EXPECT_EQ(reopened.current_path(), dir.path() + "/state.1.json");
  EXPECT_EQ(json::parse(evprov::test::ReadTextFile(dir.path() + "/state.0.json"))["n"], 1);
}

TEST(StateBanksTest, NoWholeBankIsAnErrorNamingBothFiles) {
  test::TempDir dir;
  Overwrite(dir.path() + "/state.0.json", "{\"generation\": 1, ");
  Overwrite(dir.path() + "/state.1.json", "[1, 2]");
  StateBanks banks(dir.path());
  auto loaded = banks.Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.status().message().find("state.0.json"), std::string::npos);
  EXPECT_NE(loaded.status().message().find("state.1.json"), std::string::npos);
}

}  // namespace
}  // namespace evprov::sim
