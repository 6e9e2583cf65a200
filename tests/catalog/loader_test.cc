#include "evprov/catalog/loader.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "catalog/catalog_test_util.h"
#include "evprov/catalog/json.h"
#include "support/temp_dir.h"

namespace evprov::catalog {
namespace {

using test::Example;

TEST(ExampleCatalogTest, WallboxLoads) {
  auto v = LoadVariantFile(Example("variants/wallbox-ac22.yaml"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->name, "wallbox-ac22");
  ASSERT_EQ(v->evses.size(), 1u);
  ASSERT_EQ(v->evses[0].connectors.size(), 1u);
  EXPECT_EQ(v->evses[0].connectors[0].type, "cType2");
  EXPECT_EQ(v->evses[0].connectors[0].max_current_a, 32);
  EXPECT_EQ(v->evses[0].connectors[0].phases, 3);
  ASSERT_TRUE(v->serial_variable.has_value());
  EXPECT_EQ(v->serial_variable->component, "VendorCtrlr");
  EXPECT_EQ(v->field_parameters.size(), 4u);
  EXPECT_EQ(v->version, 0);  // assigned by the repository
}

TEST(ExampleCatalogTest, Dc150Loads) {
  auto v = LoadVariantFile(Example("variants/dc150.yaml"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->evses.size(), 2u);
  for (const Evse& e : v->evses) {
    ASSERT_EQ(e.connectors.size(), 2u);
    EXPECT_EQ(e.connectors[0].type, "cCCS2");
    EXPECT_EQ(e.connectors[1].phases, 0);
  }
  // A plain YAML scalar is kept as its text for a string field.
  bool found = false;
  for (const VariableSetting& s : v->device_model) {
    if (s.component == "OCPPCommCtrlr" && s.variable == "HeartbeatInterval") {
      EXPECT_EQ(s.value, "120");
      EXPECT_EQ(s.attribute, "Actual");  // the default
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(ExampleCatalogTest, EnvironmentsLoadAndDiffer) {
  auto staging = LoadEnvironmentFile(Example("environments/staging.yaml"));
  auto production = LoadEnvironmentFile(Example("environments/production.yaml"));
  ASSERT_TRUE(staging.ok()) << staging.status().ToString();
  ASSERT_TRUE(production.ok()) << production.status().ToString();
  EXPECT_EQ(staging->security_profile, 2);
  EXPECT_EQ(production->security_profile, 3);
  EXPECT_NE(staging->csms_url, production->csms_url);
  EXPECT_NE(staging->organization_name, production->organization_name);
  EXPECT_NE(staging->issuing_ca, production->issuing_ca);
  EXPECT_FALSE(staging->emi3_country.has_value());
  EXPECT_EQ(production->emi3_country.value_or(""), "DE");
  EXPECT_EQ(production->emi3_operator.value_or(""), "EXC");
}

TEST(ExampleCatalogTest, OrdersLoad) {
  auto o = LoadWorkOrderFile(Example("orders/production-dc150.yaml"));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->id, "WO-2026-0042");
  EXPECT_EQ(o->variant_name, "dc150");
  EXPECT_EQ(o->variant_version, 1);
  EXPECT_EQ(o->environment, "production");
  EXPECT_EQ(o->quantity, 150);
  auto s = LoadWorkOrderFile(Example("orders/staging-wallbox.yaml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->tariff, "");
}

TEST(LoaderTest, MissingFileIsNotFound) {
  auto v = LoadVariantFile(Example("variants/no-such-file.yaml"));
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
  EXPECT_NE(v.status().message().find("no-such-file.yaml"), std::string::npos);
}

TEST(LoaderTest, OversizedFileIsRefusedBeforeParsing) {
  evprov::test::TempDir dir;
  const std::string path = dir.File("huge.yaml");
  {
    std::ofstream out(path);
    out << "description: \"" << std::string(kMaxCatalogFileBytes, 'x') << "\"\n";
  }
  auto v = LoadVariantFile(path);
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("huge.yaml: larger than 1048576 bytes"), std::string::npos);
}

TEST(LoaderTest, MessagesCarryTheSourceNameOnEveryLine) {
  auto v = LoadVariantFromString("name: X\ncolour: red\n", "variants/x.yaml");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  std::istringstream lines(v.status().message());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.rfind("variants/x.yaml: ", 0), 0u) << line;
    ++n;
  }
  EXPECT_GE(n, 2);  // several findings, one per line
}

TEST(LoaderTest, TyposGetASuggestion) {
  std::string text = evprov::test::ReadTextFile(Example("variants/wallbox-ac22.yaml"));
  const std::string from = "    max_power_kw: 22";
  text.replace(text.find(from), from.size(), "    max_power_kv: 22");
  auto v = LoadVariantFromString(text, "wb.yaml");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find(
                "wb.yaml: evses[0].max_power_kv: unknown key (did you mean 'max_power_kw'?)"),
            std::string::npos)
      << v.status().message();
}

TEST(LoaderTest, ValidateVariantHasNoSourcePrefix) {
  auto v = LoadVariantFile(Example("variants/dc150.yaml"));
  ASSERT_TRUE(v.ok());
  Variant bad = *v;
  bad.evses[1].connectors[0].max_current_a = -5;
  Status s = ValidateVariant(bad);
  EXPECT_EQ(s.message(), "evses[1].connectors[0].max_current_a: must be > 0 (got -5)");
}

// --- canonical JSON -------------------------------------------------------------

TEST(CanonicalJsonTest, VariantRoundTripsExactly) {
  for (const char* file : {"variants/wallbox-ac22.yaml", "variants/dc150.yaml"}) {
    auto v = LoadVariantFile(Example(file));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    const std::string json = ToJson(*v);
    auto back = VariantFromJson(json);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, *v) << file;
    EXPECT_EQ(ToJson(*back), json);
  }
}

TEST(CanonicalJsonTest, EnvironmentAndOrderRoundTrip) {
  for (const char* file : {"environments/staging.yaml", "environments/production.yaml"}) {
    auto e = LoadEnvironmentFile(Example(file));
    ASSERT_TRUE(e.ok());
    auto back = EnvironmentFromJson(ToJson(*e));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, *e) << file;
  }
  auto o = LoadWorkOrderFile(Example("orders/production-dc150.yaml"));
  ASSERT_TRUE(o.ok());
  auto back = WorkOrderFromJson(ToJson(*o));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *o);
}

TEST(CanonicalJsonTest, OddStringsAndNumbersRoundTrip) {
  auto v = LoadVariantFile(Example("variants/wallbox-ac22.yaml"));
  ASSERT_TRUE(v.ok());
  v->description = "Quote \" backslash \\ tab \t newline \n unicode \xC3\xA9 \xE2\x82\xAC * & ! #";
  v->evses[0].connectors[0].max_current_a = 31.999999999999996;
  v->limits.thermal.derate_start_c = 0.1;
  v->device_model[0].value = "- [not a list]: {not: a map}";
  auto back = VariantFromJson(ToJson(*v));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *v);
}

TEST(CanonicalJsonTest, SameContentSameHashAndKeyOrderIrrelevant) {
  const std::string text = evprov::test::ReadTextFile(Example("environments/staging.yaml"));
  auto a = LoadEnvironmentFromString(text, "a.yaml");
  // The same content with keys in another order and a comment.
  std::string reordered = "# moved\nissuing_ca: staging-issuing-ca\n" + text;
  reordered.erase(reordered.rfind("issuing_ca: staging-issuing-ca"));
  auto b = LoadEnvironmentFromString(reordered, "b.yaml");
  ASSERT_TRUE(a.ok() && b.ok()) << b.status().ToString();
  EXPECT_EQ(ContentSha256(*a), ContentSha256(*b));
  Environment c = *a;
  c.organization_name += ".";
  EXPECT_NE(ContentSha256(*a), ContentSha256(c));
  EXPECT_EQ(ContentSha256(*a).size(), 64u);
}

TEST(CanonicalJsonTest, VersionIsNotContent) {
  auto v = LoadVariantFile(Example("variants/dc150.yaml"));
  ASSERT_TRUE(v.ok());
  Variant w = *v;
  w.version = 7;
  EXPECT_EQ(ContentSha256(*v), ContentSha256(w));
  EXPECT_EQ(ToJson(w).find("\"version\":7"), std::string::npos);
}

// Stored documents read back even if today's rules would refuse them.
TEST(CanonicalJsonTest, FromJsonChecksTypesNotRules) {
  auto v = LoadVariantFile(Example("variants/dc150.yaml"));
  ASSERT_TRUE(v.ok());
  v->evses[1].connectors[0].max_current_a = -5;
  auto back = VariantFromJson(ToJson(*v));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *v);
  EXPECT_FALSE(ValidateVariant(*back).ok());
}

TEST(CanonicalJsonTest, FromJsonRejectsBadDocuments) {
  EXPECT_EQ(VariantFromJson("{not json").status().code(), StatusCode::kInvalidArgument);
  auto v = LoadVariantFile(Example("variants/dc150.yaml"));
  ASSERT_TRUE(v.ok());
  std::string json = ToJson(*v);
  json.insert(1, "\"extra\":1,");
  auto r = VariantFromJson(json);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("extra: unknown key"), std::string::npos);
}

}  // namespace
}  // namespace evprov::catalog
