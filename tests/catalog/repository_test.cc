#include "evprov/catalog/repository.h"

#include <gtest/gtest.h>

#include <thread>

#include "catalog/catalog_test_util.h"
#include "evprov/audit/audit.h"
#include "evprov/catalog/json.h"
#include "evprov/catalog/loader.h"

namespace evprov::catalog {
namespace {

using store::Transaction;
using store::TxMode;
using test::Example;

class RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(dir_.File("catalog.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store::MigrateToLatest(*store_).ok());
    auto wb = LoadVariantFile(Example("variants/wallbox-ac22.yaml"));
    auto dc = LoadVariantFile(Example("variants/dc150.yaml"));
    auto st = LoadEnvironmentFile(Example("environments/staging.yaml"));
    auto pr = LoadEnvironmentFile(Example("environments/production.yaml"));
    ASSERT_TRUE(wb.ok() && dc.ok() && st.ok() && pr.ok());
    wallbox_ = *wb;
    dc150_ = *dc;
    staging_ = *st;
    production_ = *pr;
  }

  Status Write(const std::function<Status(Transaction&)>& fn) {
    return store::InTransaction(*store_, TxMode::kWrite, fn);
  }
  Result<int> Import(const Variant& v, const std::string& author = "alice") {
    int version = 0;
    Status s = Write([&](Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(version, ImportVariant(tx, v, "variants/x.yaml", author));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return version;
  }
  Status Approve(const std::string& name, int version, const std::string& who) {
    return Write([&](Transaction& tx) { return ApproveVariant(tx, name, version, who); });
  }
  Status AddEnvironment(const Environment& env) {
    return Write([&](Transaction& tx) {
      return ImportEnvironment(tx, env, "environments/x.yaml", "erin").status();
    });
  }
  Status Order(const WorkOrder& o) {
    return Write([&](Transaction& tx) { return CreateWorkOrder(tx, o, "otto"); });
  }
  WorkOrder OrderFor(const std::string& id, const std::string& variant, int version,
                     const std::string& env) {
    WorkOrder o;
    o.id = id;
    o.variant_name = variant;
    o.variant_version = version;
    o.environment = env;
    o.quantity = 10;
    o.customer = "Example CPO GmbH";
    return o;
  }
  std::vector<audit::Entry> AuditLog() {
    auto tx = store_->Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto entries = audit::List(**tx);
    EXPECT_TRUE(entries.ok());
    EXPECT_TRUE(audit::Verify(**tx).ok());
    return entries.ok() ? *entries : std::vector<audit::Entry>{};
  }

  evprov::test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  Variant wallbox_, dc150_;
  Environment staging_, production_;
};

// --- variants ------------------------------------------------------------------

TEST_F(RepositoryTest, VersionsCountUpAndIdenticalContentKeepsItsVersion) {
  auto v1 = Import(wallbox_);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(*v1, 1);
  auto again = Import(wallbox_, "bob");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 1);  // identical content: no new version
  Variant changed = wallbox_;
  changed.firmware.version = "2.4.2";
  auto v2 = Import(changed);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*v2, 2);
  // Back to the first content: a new version, since it is not the latest.
  auto v3 = Import(wallbox_);
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(*v3, 3);
  auto dc = Import(dc150_);
  ASSERT_TRUE(dc.ok());
  EXPECT_EQ(*dc, 1);  // versions are per name

  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto latest = GetVariant(**tx, "wallbox-ac22");
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->version, 3);
  auto second = GetVariant(**tx, "wallbox-ac22", 2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->firmware.version, "2.4.2");
  Variant expected = changed;
  expected.version = 2;
  EXPECT_EQ(*second, expected);
  EXPECT_EQ(GetVariant(**tx, "wallbox-ac22", 9).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(GetVariant(**tx, "nope").status().code(), StatusCode::kNotFound);

  auto list = ListVariants(**tx);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].name, "dc150");
  EXPECT_EQ((*list)[1].name, "wallbox-ac22");
  EXPECT_EQ((*list)[1].version, 1);
  EXPECT_EQ((*list)[1].author, "alice");
  EXPECT_EQ((*list)[1].status, VariantStatus::kDraft);
  EXPECT_EQ((*list)[1].content_sha256, ContentSha256(wallbox_));
  EXPECT_EQ((*list)[3].version, 3);
  EXPECT_EQ((*list)[1].content_sha256, (*list)[3].content_sha256);
}

TEST_F(RepositoryTest, ImportValidatesAndNamesTheSource) {
  Variant bad = wallbox_;
  bad.evses[0].connectors[0].max_current_a = -1;
  auto r = Import(bad);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(
                "variants/x.yaml: evses[0].connectors[0].max_current_a: must be > 0 (got -1)"),
            std::string::npos)
      << r.status().message();
  EXPECT_TRUE(AuditLog().empty());
}

TEST_F(RepositoryTest, ApprovalNeedsASecondPersonAndHappensOnce) {
  ASSERT_TRUE(Import(dc150_, "alice").ok());
  Status self = Approve("dc150", 1, "alice");
  EXPECT_EQ(self.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(self.message().find("approval needs a second person"), std::string::npos);

  ASSERT_TRUE(Approve("dc150", 1, "bob").ok());
  Status twice = Approve("dc150", 1, "carol");
  EXPECT_EQ(twice.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(twice.message().find("already approved by bob"), std::string::npos);
  EXPECT_EQ(Approve("dc150", 2, "bob").code(), StatusCode::kNotFound);

  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rec = GetVariantRecord(**tx, "dc150", 1);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->status, VariantStatus::kApproved);
  EXPECT_EQ(rec->approver.value_or(""), "bob");
  EXPECT_TRUE(rec->approved_at.has_value());
}

TEST_F(RepositoryTest, ApprovedRowsRefuseRawUpdateAndDelete) {
  ASSERT_TRUE(Import(dc150_, "alice").ok());
  ASSERT_TRUE(Approve("dc150", 1, "bob").ok());
  Status update = Write([](Transaction& tx) {
    return tx.Exec("UPDATE variants SET source = 'x' WHERE name = 'dc150'").status();
  });
  EXPECT_EQ(update.code(), StatusCode::kFailedPrecondition) << update.ToString();
  EXPECT_NE(update.message().find("immutable"), std::string::npos);
  Status remove = Write([](Transaction& tx) {
    return tx.Exec("DELETE FROM variants WHERE name = 'dc150'").status();
  });
  EXPECT_EQ(remove.code(), StatusCode::kFailedPrecondition) << remove.ToString();
}

TEST_F(RepositoryTest, TamperedDocumentIsDetectedOnRead) {
  ASSERT_TRUE(Import(dc150_, "alice").ok());
  ASSERT_TRUE(Write([](Transaction& tx) {
                EVPROV_TRY(tx.ExecScript("DROP TRIGGER variants_draft_content_fixed"));
                return tx
                    .Exec("UPDATE variants SET document = replace(document, 'DC-150', 'DC-151')")
                    .status();
              }).ok());
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto v = GetVariant(**tx, "dc150", 1);
  EXPECT_EQ(v.status().code(), StatusCode::kInternal);
  EXPECT_NE(v.status().message().find("does not match its content_sha256"), std::string::npos);
}

// A station parses a variant document once; the row is still read and its
// hash checked on every Get, so tampering after the first parse is caught.
TEST_F(RepositoryTest, VariantCacheParsesOnceAndStillChecksTheStoredHash) {
  ASSERT_TRUE(Import(wallbox_, "alice").ok());
  Variant changed = wallbox_;
  changed.firmware.version = "2.4.2";
  ASSERT_TRUE(Import(changed, "alice").ok());
  VariantCache cache;
  {
    auto tx = store_->Begin(TxMode::kRead);
    ASSERT_TRUE(tx.ok());
    for (int i = 0; i < 3; ++i) {
      auto first = GetVariant(**tx, "wallbox-ac22", 1, &cache);
      ASSERT_TRUE(first.ok()) << first.status().ToString();
      EXPECT_EQ(first->version, 1);
      EXPECT_EQ(first->firmware.version, wallbox_.firmware.version);
      auto second = GetVariant(**tx, "wallbox-ac22", 2, &cache);
      ASSERT_TRUE(second.ok());
      EXPECT_EQ(second->version, 2);
      EXPECT_EQ(second->firmware.version, "2.4.2");
    }
    EXPECT_EQ(cache.parses(), 2u);  // one per version, not one per Get
    EXPECT_EQ(GetVariant(**tx, "nope", 1, &cache).status().code(), StatusCode::kNotFound);
  }
  ASSERT_TRUE(Write([](Transaction& tx) {
                EVPROV_TRY(tx.ExecScript("DROP TRIGGER variants_draft_content_fixed"));
                return tx.Exec("UPDATE variants SET document = replace(document, '2.4.2', '2.4.3')")
                    .status();
              }).ok());
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(GetVariant(**tx, "wallbox-ac22", 2, &cache).status().code(), StatusCode::kInternal);
}

// Writers on several threads (as several stations on one database would be)
// get distinct, gap-free versions; the audit chain stays intact.
TEST_F(RepositoryTest, ConcurrentImportsGetDistinctVersions) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5;
  std::vector<std::thread> threads;
  std::vector<Status> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Variant v = dc150_;
        v.description = "thread " + std::to_string(t) + " import " + std::to_string(i);
        auto r = Import(v, "alice");
        if (!r.ok()) failures[std::size_t(t)] = r.status();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const Status& f : failures) EXPECT_TRUE(f.ok()) << f.ToString();
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto list = ListVariants(**tx);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), std::size_t(kThreads * kPerThread));
  for (std::size_t i = 0; i < list->size(); ++i) EXPECT_EQ((*list)[i].version, int(i) + 1);
  EXPECT_EQ(AuditLog().size(), std::size_t(kThreads * kPerThread));
}

// --- environments ---------------------------------------------------------------

TEST_F(RepositoryTest, EnvironmentInsertReplaceAndAuditWithBothHashes) {
  Result<ImportOutcome> first = ImportOutcome::kUnchanged;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                first = ImportEnvironment(tx, staging_, "environments/staging.yaml", "erin");
                return first.status();
              }).ok());
  EXPECT_EQ(*first, ImportOutcome::kCreated);
  Result<ImportOutcome> same = ImportOutcome::kCreated;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                same = ImportEnvironment(tx, staging_, "environments/staging.yaml", "erin");
                return same.status();
              }).ok());
  EXPECT_EQ(*same, ImportOutcome::kUnchanged);
  Environment changed = staging_;
  changed.csms_url = "wss://csms2.staging.example-cpo.com/ocpp";
  Result<ImportOutcome> updated = ImportOutcome::kUnchanged;
  ASSERT_TRUE(Write([&](Transaction& tx) {
                updated = ImportEnvironment(tx, changed, "environments/staging.yaml", "frank");
                return updated.status();
              }).ok());
  EXPECT_EQ(*updated, ImportOutcome::kUpdated);

  auto log = AuditLog();
  ASSERT_EQ(log.size(), 2u);  // the unchanged import is not a change
  EXPECT_EQ(log[0].action, "environment.create");
  EXPECT_EQ(log[1].action, "environment.update");
  EXPECT_EQ(log[1].actor, "frank");
  EXPECT_EQ(log[1].object, "environment/staging");
  EXPECT_NE(log[1].detail.find("\"old_sha256\":\"" + ContentSha256(staging_) + "\""),
            std::string::npos)
      << log[1].detail;
  EXPECT_NE(log[1].detail.find("\"new_sha256\":\"" + ContentSha256(changed) + "\""),
            std::string::npos);

  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto got = GetEnvironment(**tx, "staging");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, changed);
  auto list = ListEnvironments(**tx);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, "staging");
  EXPECT_EQ((*list)[0].updated_by, "frank");
  EXPECT_EQ(GetEnvironment(**tx, "nope").status().code(), StatusCode::kNotFound);
}

TEST_F(RepositoryTest, EnvironmentKindNeverChanges) {
  ASSERT_TRUE(AddEnvironment(production_).ok());
  Environment downgraded = production_;
  downgraded.kind = "staging";
  Status s = AddEnvironment(downgraded);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("kind: environment 'production' is production"), std::string::npos)
      << s.message();
}

// --- work orders ----------------------------------------------------------------

TEST_F(RepositoryTest, ProductionOrderNeedsAnApprovedVariantStagingDoesNot) {
  ASSERT_TRUE(Import(dc150_, "alice").ok());
  ASSERT_TRUE(AddEnvironment(staging_).ok());
  ASSERT_TRUE(AddEnvironment(production_).ok());

  Status refused = Order(OrderFor("WO-1", "dc150", 1, "production"));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("environment 'production' is production"), std::string::npos);
  EXPECT_NE(refused.message().find("variant/dc150@1 is not approved"), std::string::npos);

  EXPECT_TRUE(Order(OrderFor("WO-2", "dc150", 1, "staging")).ok());
  ASSERT_TRUE(Approve("dc150", 1, "bob").ok());
  EXPECT_TRUE(Order(OrderFor("WO-1", "dc150", 1, "production")).ok());

  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto got = GetWorkOrder(**tx, "WO-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->order, OrderFor("WO-1", "dc150", 1, "production"));
  EXPECT_EQ(got->status, "open");
  EXPECT_EQ(got->created_by, "otto");
  auto list = ListWorkOrders(**tx);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
}

TEST_F(RepositoryTest, OrderRefusesMissingThingsAndDuplicates) {
  ASSERT_TRUE(Import(wallbox_, "alice").ok());
  ASSERT_TRUE(AddEnvironment(staging_).ok());
  Status no_version = Order(OrderFor("WO-1", "wallbox-ac22", 2, "staging"));
  EXPECT_EQ(no_version.code(), StatusCode::kNotFound);
  EXPECT_NE(no_version.message().find("wallbox-ac22@2"), std::string::npos);
  Status no_env = Order(OrderFor("WO-1", "wallbox-ac22", 1, "qa"));
  EXPECT_EQ(no_env.code(), StatusCode::kNotFound);
  EXPECT_NE(no_env.message().find("environment 'qa'"), std::string::npos);
  ASSERT_TRUE(Order(OrderFor("WO-1", "wallbox-ac22", 1, "staging")).ok());
  Status dup = Order(OrderFor("WO-1", "wallbox-ac22", 1, "staging"));
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  WorkOrder bad = OrderFor("WO-3", "wallbox-ac22", 1, "staging");
  bad.quantity = 0;
  Status invalid = Order(bad);
  EXPECT_EQ(invalid.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(invalid.message().find("work_order/WO-3: quantity: must be >= 1"), std::string::npos);
}

TEST_F(RepositoryTest, OrderRefusesATemplateTheEnvironmentCannotFill) {
  Variant v = wallbox_;
  VariableSetting s;
  s.component = "VendorCtrlr";
  s.variable = "EvseIdPrefix";
  s.value = "${env.emi3_country}*${env.emi3_operator}";
  v.device_model.push_back(s);
  ASSERT_TRUE(Import(v).ok());
  ASSERT_TRUE(AddEnvironment(staging_).ok());  // staging has no eMI3 ids
  Status st = Order(OrderFor("WO-1", "wallbox-ac22", 1, "staging"));
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("work_order/WO-1: environment 'staging' cannot fill "
                              "variant/wallbox-ac22@1: device_model[13].value: placeholder "
                              "'${env.emi3_country}' has no value"),
            std::string::npos)
      << st.message();
}

// --- audit ----------------------------------------------------------------------

TEST_F(RepositoryTest, EveryChangeIsAuditedWithItsActor) {
  ASSERT_TRUE(Import(dc150_, "alice").ok());
  ASSERT_TRUE(Import(dc150_, "alice").ok());  // unchanged: no entry
  ASSERT_TRUE(Approve("dc150", 1, "bob").ok());
  ASSERT_FALSE(Approve("dc150", 1, "alice").ok());  // refused: no entry
  ASSERT_TRUE(AddEnvironment(production_).ok());
  ASSERT_TRUE(Order(OrderFor("WO-9", "dc150", 1, "production")).ok());

  auto log = AuditLog();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].action, "variant.import");
  EXPECT_EQ(log[0].actor, "alice");
  EXPECT_EQ(log[0].object, "variant/dc150@1");
  EXPECT_NE(log[0].detail.find(ContentSha256(dc150_)), std::string::npos);
  EXPECT_EQ(log[1].action, "variant.approve");
  EXPECT_EQ(log[1].actor, "bob");
  EXPECT_EQ(log[2].action, "environment.create");
  EXPECT_EQ(log[2].actor, "erin");
  EXPECT_EQ(log[3].action, "work_order.create");
  EXPECT_EQ(log[3].actor, "otto");
  EXPECT_EQ(log[3].object, "work_order/WO-9");
  EXPECT_NE(log[3].detail.find("\"variant\":\"dc150@1\""), std::string::npos);
}

TEST_F(RepositoryTest, AFailedChangeLeavesNeitherRowNorAuditEntry) {
  ASSERT_TRUE(Import(dc150_, "alice").ok());
  // The import succeeds inside the transaction, then the caller fails: both roll back.
  Status s = Write([&](Transaction& tx) {
    Variant v = dc150_;
    v.model = "DC-150X";
    EVPROV_TRY(ImportVariant(tx, v, "x.yaml", "alice").status());
    return Status::Aborted("caller gave up");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(AuditLog().size(), 1u);
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto list = ListVariants(**tx);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

}  // namespace
}  // namespace evprov::catalog

namespace evprov::catalog {
namespace {

// The example catalog as an engineer would use it: import everything, approve
// the DC variant by a second person, create both example orders.
TEST_F(RepositoryTest, ExampleCatalogImportsAndItsOrdersAreAccepted) {
  for (const char* file : {"environments/staging.yaml", "environments/production.yaml"}) {
    auto env = LoadEnvironmentFile(Example(file));
    ASSERT_TRUE(env.ok());
    ASSERT_TRUE(AddEnvironment(*env).ok());
  }
  for (const char* file : {"variants/wallbox-ac22.yaml", "variants/dc150.yaml"}) {
    auto v = LoadVariantFile(Example(file));
    ASSERT_TRUE(v.ok());
    auto version = Import(*v, "alice");
    ASSERT_TRUE(version.ok()) << version.status().ToString();
    EXPECT_EQ(*version, 1);
  }
  ASSERT_TRUE(Approve("dc150", 1, "bob").ok());
  for (const char* file : {"orders/staging-wallbox.yaml", "orders/production-dc150.yaml"}) {
    auto order = LoadWorkOrderFile(Example(file));
    ASSERT_TRUE(order.ok());
    Status s = Order(*order);
    EXPECT_TRUE(s.ok()) << file << ": " << s.ToString();
  }
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto orders = ListWorkOrders(**tx);
  ASSERT_TRUE(orders.ok());
  EXPECT_EQ(orders->size(), 2u);
}

}  // namespace
}  // namespace evprov::catalog
