#include "evprov/catalog/placeholders.h"

#include <gtest/gtest.h>

#include "catalog/catalog_test_util.h"
#include "evprov/catalog/loader.h"

namespace evprov::catalog {
namespace {

TEST(PlaceholdersTest, FindsNamesInOrder) {
  auto names = FindPlaceholders("a ${env.csms_url} b ${unit.serial}${unit.serial}");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"env.csms_url", "unit.serial", "unit.serial"}));
  EXPECT_EQ(FindPlaceholders("${}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FindPlaceholders("x ${env.csms_url").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(FindPlaceholders("no placeholders, $ and { } alone")->empty());
}

TEST(PlaceholdersTest, OnlyTheFixedSetIsAllowed) {
  EXPECT_TRUE(CheckPlaceholders("${env.ntp_servers[3]} ${unit.charger_id}").ok());
  Status s = CheckPlaceholders("${env.ntp_servers[4]}");
  EXPECT_NE(s.message().find("unknown placeholder '${env.ntp_servers[4]}'"), std::string::npos);
  EXPECT_FALSE(CheckPlaceholders("${serial}").ok());  // a label placeholder, not a template one
  EXPECT_FALSE(CheckPlaceholders("${ENV.csms_url}").ok());
}

TEST(PlaceholdersTest, ExpandsFromEnvironmentValues) {
  auto env = LoadEnvironmentFile(test::Example("environments/production.yaml"));
  ASSERT_TRUE(env.ok());
  auto values = EnvironmentPlaceholderValues(*env);
  EXPECT_EQ(values.at("env.ntp_servers[1]"), "ptbtime2.ptb.de");
  EXPECT_EQ(values.at("env.security_profile"), "3");
  EXPECT_EQ(values.count("env.ntp_servers[2]"), 0u);
  values["unit.serial"] = "DC202611000042";
  auto out = ExpandPlaceholders("${env.emi3_country}*${env.emi3_operator}/${unit.serial}", values);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "DE*EXC/DC202611000042");
  // Expanded text is not scanned again.
  values["unit.serial"] = "${env.csms_url}";
  EXPECT_EQ(*ExpandPlaceholders("${unit.serial}", values), "${env.csms_url}");
  auto missing = ExpandPlaceholders("${unit.charger_id}", values);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("${unit.charger_id}"), std::string::npos);
}

TEST(PlaceholdersTest, StagingHasNoEmi3Values) {
  auto env = LoadEnvironmentFile(test::Example("environments/staging.yaml"));
  ASSERT_TRUE(env.ok());
  auto values = EnvironmentPlaceholderValues(*env);
  EXPECT_EQ(values.count("env.emi3_country"), 0u);
  EXPECT_EQ(values.at("env.csms_url"), "wss://csms.staging.example-cpo.com/ocpp");
}

TEST(PlaceholdersTest, ExpandTemplateForOneUnit) {
  auto v = LoadVariantFile(test::Example("variants/dc150.yaml"));
  auto env = LoadEnvironmentFile(test::Example("environments/production.yaml"));
  ASSERT_TRUE(v.ok() && env.ok());
  VariableSetting count;
  count.component = "VendorCtrlr";
  count.variable = "Layout";
  count.value = "${unit.evse_count}x${unit.connector_count} ${unit.serial}";
  v->device_model.push_back(count);
  auto settings = ExpandTemplate(*v, *env, {"DC202611000042", "EXC-DC202611000042", "HW-1", "B1"});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  ASSERT_EQ(settings->size(), v->device_model.size());
  EXPECT_EQ((*settings)[2].variable, "OrganizationName");
  EXPECT_EQ((*settings)[2].value, "Example CPO GmbH");
  EXPECT_EQ((*settings)[4].value, "ptbtime1.ptb.de");
  EXPECT_EQ(settings->back().value, "2x4 DC202611000042");
  // A unit without a serial yet cannot be configured with a template that uses it.
  auto missing = ExpandTemplate(*v, *env, {"", "EXC-1", "HW-1", "B1"});
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("device_model[13].value: placeholder '${unit.serial}'"),
            std::string::npos)
      << missing.status().message();
}

TEST(LabelRulesTest, ChargerIdLabelFitsWhenThePatternIsShort) {
  auto v = LoadVariantFile(test::Example("variants/wallbox-ac22.yaml"));
  ASSERT_TRUE(v.ok());
  v->evses[0].connectors[0].label = "${charger_id}";  // EXC-{serial}: at most 29
  EXPECT_TRUE(ValidateVariant(*v).ok()) << ValidateVariant(*v).message();
  v->naming.charger_id_pattern = "EXC-{serial}-X-Y";  // at most 33
  Status s = ValidateVariant(*v);
  EXPECT_NE(s.message().find("evses[0].connectors[0].label: renders to up to 33 characters"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace evprov::catalog
