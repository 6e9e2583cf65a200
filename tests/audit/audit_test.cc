#include "evprov/audit/audit.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace evprov::audit {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(dir_.File("a.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store::MigrateToLatest(*store_).ok());
  }
  Status Add(std::string_view action) {
    return store::InTransaction(*store_, store::TxMode::kWrite, [&](store::Transaction& tx) {
      return Append(tx, "alice", action, "variant/x@1", R"({"k":1})");
    });
  }
  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(AuditTest, AppendsAChainThatVerifies) {
  ASSERT_TRUE(Add("variant.import").ok());
  ASSERT_TRUE(Add("variant.approve").ok());
  auto tx = store_->Begin(store::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto entries = List(**tx);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].prev_hash, std::string(64, '0'));
  EXPECT_EQ((*entries)[1].prev_hash, (*entries)[0].hash);
  EXPECT_EQ((*entries)[1].action, "variant.approve");
  EXPECT_TRUE(Verify(**tx).ok());
}

TEST_F(AuditTest, VerifyDetectsATamperedEntry) {
  ASSERT_TRUE(Add("a").ok());
  ASSERT_TRUE(Add("b").ok());
  ASSERT_TRUE(Add("c").ok());
  // Tamper underneath the triggers, as an attacker with file access could.
  ASSERT_TRUE(store::InTransaction(*store_, store::TxMode::kWrite, [](store::Transaction& tx) {
                EVPROV_TRY(tx.ExecScript("DROP TRIGGER audit_log_append_only_u"));
                return tx.Exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").status();
              }).ok());
  auto tx = store_->Begin(store::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  Status s = Verify(**tx);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("audit entry 2"), std::string::npos) << s.ToString();
}

TEST_F(AuditTest, RefusesEmptyActorAndNonObjectDetail) {
  Status s = store::InTransaction(*store_, store::TxMode::kWrite,
                                  [](store::Transaction& tx) { return Append(tx, "", "x", "y"); });
  EXPECT_NE(s.message().find("audit.actor"), std::string::npos);
  s = store::InTransaction(*store_, store::TxMode::kWrite,
                           [](store::Transaction& tx) { return Append(tx, "a", "x", "y", "[1]"); });
  EXPECT_NE(s.message().find("audit.detail"), std::string::npos);
}

}  // namespace
}  // namespace evprov::audit
