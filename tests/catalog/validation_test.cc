// Table-driven bad inputs: each is a mutation of a valid example document
// and the finding (source, field path, reason) its message must contain.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

#include "catalog/catalog_test_util.h"
#include "evprov/catalog/loader.h"

namespace evprov::catalog {
namespace {

using test::Example;

enum class Doc { kWallbox, kDc150, kStaging, kProduction, kOrder };

struct BadCase {
  const char* name;
  Doc doc;
  std::function<void(YAML::Node&)> mutate;
  const char* expected;  // substring of the message, after "<source>: "
};

std::string SourceOf(Doc doc) {
  switch (doc) {
    case Doc::kWallbox:
      return "variants/wallbox-ac22.yaml";
    case Doc::kDc150:
      return "variants/dc150.yaml";
    case Doc::kStaging:
      return "environments/staging.yaml";
    case Doc::kProduction:
      return "environments/production.yaml";
    case Doc::kOrder:
      return "orders/production-dc150.yaml";
  }
  return "";
}

Status LoadMutated(const BadCase& c) {
  const std::string source = SourceOf(c.doc);
  YAML::Node root = YAML::LoadFile(Example(source));
  c.mutate(root);
  const std::string text = YAML::Dump(root);
  switch (c.doc) {
    case Doc::kWallbox:
    case Doc::kDc150:
      return LoadVariantFromString(text, source).status();
    case Doc::kStaging:
    case Doc::kProduction:
      return LoadEnvironmentFromString(text, source).status();
    case Doc::kOrder:
      return LoadWorkOrderFromString(text, source).status();
  }
  return Status::Internal("unreachable");
}

YAML::Node Connector(YAML::Node& r, int evse, int connector) {
  return r["evses"][evse]["connectors"][connector];
}

const BadCase kCases[] = {
    // --- variant: identity ---
    {"NameNotSlug", Doc::kDc150, [](YAML::Node& r) { r["name"] = "DC_150"; },
     "name: must match [a-z0-9][a-z0-9-]{0,47} (got 'DC_150')"},
    {"NameMissing", Doc::kDc150, [](YAML::Node& r) { r.remove("name"); }, "name: required"},
    {"VendorTooLong", Doc::kDc150, [](YAML::Node& r) { r["vendor_name"] = std::string(51, 'v'); },
     "vendor_name: must be 1..50 characters (got 51)"},
    {"ModelTooLong", Doc::kDc150, [](YAML::Node& r) { r["model"] = std::string(21, 'm'); },
     "model: must be 1..20 characters (got 21)"},
    {"HardwareRevisionsEmpty", Doc::kDc150,
     [](YAML::Node& r) { r["hardware_revisions"] = YAML::Node(YAML::NodeType::Sequence); },
     "hardware_revisions: must not be empty"},
    {"HardwareRevisionDuplicate", Doc::kWallbox,
     [](YAML::Node& r) { r["hardware_revisions"][1] = "A1"; },
     "hardware_revisions[1]: duplicate 'A1'"},
    {"UnknownTopLevelKey", Doc::kDc150, [](YAML::Node& r) { r["colour"] = "red"; },
     "colour: unknown key"},
    {"FirmwareVersionMissing", Doc::kDc150, [](YAML::Node& r) { r["firmware"].remove("version"); },
     "firmware.version: required"},
    // --- variant: layout ---
    {"ConnectorCurrentNegative", Doc::kDc150,
     [](YAML::Node& r) { Connector(r, 1, 0)["max_current_a"] = -5; },
     "evses[1].connectors[0].max_current_a: must be > 0 (got -5)"},
    {"ConnectorCurrentTooHigh", Doc::kDc150,
     [](YAML::Node& r) { Connector(r, 0, 1)["max_current_a"] = 1200; },
     "evses[0].connectors[1].max_current_a: must be <= 1000 (got 1200)"},
    {"ConnectorCurrentNotANumber", Doc::kDc150,
     [](YAML::Node& r) { Connector(r, 0, 0)["max_current_a"] = "lots"; },
     "evses[0].connectors[0].max_current_a: must be a number (got 'lots')"},
    {"EvseIdGap", Doc::kDc150, [](YAML::Node& r) { r["evses"][1]["id"] = 3; },
     "evses[1].id: must be 2 (EVSE ids run 1..N in list order without gaps; got 3)"},
    {"ConnectorIdGap", Doc::kDc150, [](YAML::Node& r) { Connector(r, 1, 1)["id"] = 5; },
     "evses[1].connectors[1].id: must be 2"},
    {"EvseIdNotInteger", Doc::kDc150, [](YAML::Node& r) { r["evses"][0]["id"] = "one"; },
     "evses[0].id: must be an integer (got 'one')"},
    {"NoEvses", Doc::kDc150,
     [](YAML::Node& r) { r["evses"] = YAML::Node(YAML::NodeType::Sequence); },
     "evses: must list at least one EVSE"},
    {"EvsesNotAList", Doc::kDc150, [](YAML::Node& r) { r["evses"] = "two"; },
     "evses: must be a list (got 'two')"},
    {"NoConnectors", Doc::kWallbox,
     [](YAML::Node& r) { r["evses"][0]["connectors"] = YAML::Node(YAML::NodeType::Sequence); },
     "evses[0].connectors: must list at least one connector"},
    {"ConnectorTypeUnknown", Doc::kDc150,
     [](YAML::Node& r) { Connector(r, 0, 0)["type"] = "CCS2"; },
     "evses[0].connectors[0].type: must be one of cCCS1, cCCS2"},
    {"PhasesTwo", Doc::kWallbox, [](YAML::Node& r) { Connector(r, 0, 0)["phases"] = 2; },
     "evses[0].connectors[0].phases: must be 0, 1 or 3 (got 2)"},
    {"DcConnectorWithPhases", Doc::kDc150, [](YAML::Node& r) { Connector(r, 1, 0)["phases"] = 3; },
     "evses[1].connectors[0].phases: cCCS2 is a DC connector: phases must be 0 (got 3)"},
    {"AcConnectorWithoutPhases", Doc::kWallbox,
     [](YAML::Node& r) { Connector(r, 0, 0)["phases"] = 0; },
     "evses[0].connectors[0].phases: 0 (DC) is only for DC connector types"},
    {"LabelEmpty", Doc::kWallbox, [](YAML::Node& r) { Connector(r, 0, 0)["label"] = ""; },
     "evses[0].connectors[0].label: must not be empty"},
    {"LabelTooLongAfterPlaceholders", Doc::kWallbox,
     [](YAML::Node& r) { Connector(r, 0, 0)["label"] = "Wallbox ${serial}"; },
     "evses[0].connectors[0].label: renders to up to 33 characters; the limit is 32"},
    {"LabelUnknownPlaceholder", Doc::kWallbox,
     [](YAML::Node& r) { Connector(r, 0, 0)["label"] = "${unit.serial}"; },
     "evses[0].connectors[0].label: unknown placeholder '${unit.serial}'"},
    {"LabelChargerIdTooLongForPattern", Doc::kWallbox,
     [](YAML::Node& r) { Connector(r, 0, 0)["label"] = "${charger_id}-${evse}-${connector}"; },
     "evses[0].connectors[0].label: renders to up to 33 characters; the limit is 32"},
    {"LimitsPhasesBelowConnectors", Doc::kWallbox, [](YAML::Node& r) { r["limits"]["phases"] = 1; },
     "limits.phases: must be at least 3"},
    {"ThermalShutdownBelowDerate", Doc::kDc150,
     [](YAML::Node& r) { r["limits"]["thermal"]["shutdown_c"] = 50; },
     "limits.thermal.shutdown_c: must be greater than limits.thermal.derate_start_c"},
    {"ThermalShutdownAt150", Doc::kDc150,
     [](YAML::Node& r) { r["limits"]["thermal"]["shutdown_c"] = 150; },
     "limits.thermal.shutdown_c: must be < 150 (got 150)"},
    {"ThermalMissing", Doc::kDc150, [](YAML::Node& r) { r["limits"].remove("thermal"); },
     "limits.thermal: required"},
    // --- variant: settings ---
    {"FeatureNotBool", Doc::kDc150, [](YAML::Node& r) { r["features"]["rfid_reader"] = "maybe"; },
     "features.rfid_reader: must be true or false (got 'maybe')"},
    {"FeatureBadKey", Doc::kDc150, [](YAML::Node& r) { r["features"]["Fast-Lane"] = true; },
     "features.Fast-Lane: must match [a-z][a-z0-9_]{0,47}"},
    {"LoggingLevelUnknown", Doc::kDc150, [](YAML::Node& r) { r["logging"]["level"] = "verbose"; },
     "logging.level: must be one of error, warn, info, debug (got 'verbose')"},
    {"TimeSourceUnknown", Doc::kDc150, [](YAML::Node& r) { r["time_sync"]["source"] = "gps"; },
     "time_sync.source: must be one of ntp, heartbeat (got 'gps')"},
    {"TimeZoneEmpty", Doc::kDc150, [](YAML::Node& r) { r["time_sync"]["time_zone"] = ""; },
     "time_sync.time_zone: must not be empty"},
    // --- variant: device model template ---
    {"SettingComponentEmpty", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][0]["component"] = ""; },
     "device_model[0].component: must not be empty"},
    {"SettingVariableTooLong", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][1]["variable"] = std::string(51, 'x'); },
     "device_model[1].variable: must be 1..50 characters (got 51)"},
    {"SettingAttributeUnknown", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][0]["attribute"] = "Maximum"; },
     "device_model[0].attribute: must be one of Actual, Target, MinSet, MaxSet (got 'Maximum')"},
    {"SettingEvseOutsideLayout", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][12]["evse"] = 3; },
     "device_model[12].evse: refers to EVSE 3, which the layout does not have (1..2)"},
    {"SettingConnectorOutsideLayout", Doc::kWallbox,
     [](YAML::Node& r) { r["device_model"][11]["connector"] = 2; },
     "device_model[11].connector: refers to connector 2 of EVSE 1, which has connectors 1..1"},
    {"SettingConnectorWithoutEvse", Doc::kWallbox,
     [](YAML::Node& r) { r["device_model"][0]["connector"] = 1; },
     "device_model[0].connector: needs evse as well"},
    {"SettingSerialVariable", Doc::kWallbox,
     [](YAML::Node& r) { r["device_model"][12]["variable"] = "SerialNumber"; },
     "device_model[12]: VendorCtrlr.SerialNumber is the variant's serial_variable, written by the "
     "identity step; a template may not set it"},
    {"SettingLiteralWssUrl", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][2]["value"] = "wss://csms.example.com/ocpp"; },
     "device_model[2].value: a literal ws:// or wss:// URL is not allowed in a variant"},
    {"SettingLiteralWsUrlUpperCase", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][2]["value"] = "prefix WS://10.0.0.1/ocpp"; },
     "device_model[2].value: a literal ws:// or wss:// URL is not allowed"},
    {"SettingUnknownPlaceholder", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][2]["value"] = "${env.bootstrap_secret}"; },
     "device_model[2].value: unknown placeholder '${env.bootstrap_secret}'"},
    {"SettingUnterminatedPlaceholder", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][2]["value"] = "${env.csms_url"; },
     "device_model[2].value: placeholder '${env.csms_url' has no closing '}'"},
    {"SettingBasicAuthPassword", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][2]["variable"] = "BasicAuthPassword"; },
     "device_model[2]: SecurityCtrlr.BasicAuthPassword is a per-unit secret"},
    {"SettingTwice", Doc::kDc150,
     [](YAML::Node& r) { r["device_model"][1]["variable"] = "HeartbeatInterval"; },
     "device_model[1]: sets OCPPCommCtrlr.HeartbeatInterval (Actual) a second time"},
    {"SettingTypoInKey", Doc::kDc150, [](YAML::Node& r) { r["device_model"][0]["compnent"] = "X"; },
     "device_model[0].compnent: unknown key (did you mean 'component'?)"},
    {"FieldParameterDuplicate", Doc::kDc150,
     [](YAML::Node& r) { r["field_parameters"][1]["name"] = "site_name"; },
     "field_parameters[1].name: duplicate 'site_name'"},
    {"SerialVariableEmpty", Doc::kDc150,
     [](YAML::Node& r) { r["serial_variable"]["variable"] = ""; },
     "serial_variable.variable: must not be empty"},
    {"GapFreeNotBool", Doc::kDc150, [](YAML::Node& r) { r["naming"]["gap_free"] = "sometimes"; },
     "naming.gap_free: must be true or false (got 'sometimes')"},
    // --- variant: naming (rules from identity/naming.h, under the YAML path) ---
    {"SerialPatternWithoutSeq", Doc::kWallbox,
     [](YAML::Node& r) { r["naming"]["serial_pattern"] = "{prefix}{yy}{ww}"; },
     "naming.serial_pattern: '{prefix}{yy}{ww}' has no {seq:0N}"},
    {"SerialPatternUnknownToken", Doc::kWallbox,
     [](YAML::Node& r) { r["naming"]["serial_pattern"] = "{prefix}{week}{seq:05}"; },
     "naming.serial_pattern: unknown token '{week}'"},
    {"SerialPatternTooLong", Doc::kWallbox,
     [](YAML::Node& r) { r["naming"]["serial_pattern"] = "{prefix}{yyyy}{mm}{seq:018}"; },
     "naming.serial_pattern: '{prefix}{yyyy}{mm}{seq:018}' renders up to 26 characters; the "
     "limit is 25"},
    {"ChargerIdWithColon", Doc::kDc150,
     [](YAML::Node& r) { r["naming"]["charger_id_pattern"] = "EXC:{serial}"; },
     "naming.charger_id_pattern: character ':' at position 3 is not allowed"},
    {"ChargerIdTooLong", Doc::kDc150,
     [](YAML::Node& r) { r["naming"]["charger_id_pattern"] = "{hardware_id}-{serial}"; },
     "naming.charger_id_pattern: '{hardware_id}-{serial}' renders up to 74 characters; the limit "
     "is 48"},
    // --- environment ---
    {"EnvNameNotSlug", Doc::kStaging, [](YAML::Node& r) { r["name"] = "Staging"; },
     "name: must match [a-z0-9][a-z0-9-]{0,47} (got 'Staging')"},
    {"EnvKindUnknown", Doc::kStaging, [](YAML::Node& r) { r["kind"] = "prod"; },
     "kind: must be one of staging, production (got 'prod')"},
    {"CsmsUrlPlainWs", Doc::kStaging,
     [](YAML::Node& r) { r["csms_url"] = "ws://csms.example.com/ocpp"; },
     "csms_url: must start with wss://"},
    {"CsmsUrlWithoutPath", Doc::kStaging,
     [](YAML::Node& r) { r["csms_url"] = "wss://csms.example.com"; }, "csms_url: must have a path"},
    {"CsmsUrlBadPort", Doc::kStaging,
     [](YAML::Node& r) { r["csms_url"] = "wss://csms.example.com:99999/ocpp"; },
     "csms_url: has a port outside 1..65535"},
    {"CsmsUrlUserInfo", Doc::kStaging,
     [](YAML::Node& r) { r["csms_url"] = "wss://user:pw@csms.example.com/ocpp"; },
     "csms_url: must not carry user info"},
    {"CsmsUrlTooLong", Doc::kStaging,
     [](YAML::Node& r) { r["csms_url"] = "wss://csms.example.com/" + std::string(500, 'p'); },
     "csms_url: must be 1..512 characters (got 523)"},
    {"SecurityProfileOne", Doc::kStaging, [](YAML::Node& r) { r["security_profile"] = 1; },
     "security_profile: must be 2 (TLS + Basic auth) or 3 (mutual TLS) (got 1)"},
    {"OrganizationTooLong", Doc::kStaging,
     [](YAML::Node& r) { r["organization_name"] = std::string(65, 'o'); },
     "organization_name: must be 1..64 characters (got 65)"},
    {"NtpServerNotAHost", Doc::kStaging, [](YAML::Node& r) { r["ntp_servers"][1] = "pool ntp!"; },
     "ntp_servers[1]: must be a host name or an IP address (got 'pool ntp!')"},
    {"DnsServerBadIp", Doc::kProduction, [](YAML::Node& r) { r["dns_servers"][0] = "1.1.1.300"; },
     "dns_servers[0]: must be a host name or an IP address"},
    {"ApnAuthUnknown", Doc::kProduction, [](YAML::Node& r) { r["apn"]["authentication"] = "MD5"; },
     "apn.authentication: must be one of NONE, PAP, CHAP, AUTO (got 'MD5')"},
    {"ApnPasswordIsNotAField", Doc::kProduction, [](YAML::Node& r) { r["apn"]["password"] = "x"; },
     "apn.password: unknown key"},
    {"RegistrationUrlNotHttps", Doc::kStaging,
     [](YAML::Node& r) { r["cpms_registration_url"] = "http://cpms.example.com/reg"; },
     "cpms_registration_url: must start with https://"},
    {"IssuingCaEmpty", Doc::kStaging, [](YAML::Node& r) { r["issuing_ca"] = ""; },
     "issuing_ca: must not be empty"},
    {"Emi3CountryAlone", Doc::kProduction, [](YAML::Node& r) { r.remove("emi3_operator"); },
     "emi3_operator: emi3_country and emi3_operator go together"},
    {"Emi3CountryLowerCase", Doc::kProduction, [](YAML::Node& r) { r["emi3_country"] = "de"; },
     "emi3_country: must match [A-Z]{2} (got 'de')"},
    {"Emi3OperatorTooShort", Doc::kProduction, [](YAML::Node& r) { r["emi3_operator"] = "EX"; },
     "emi3_operator: must match [A-Z0-9]{3} (got 'EX')"},
    // --- work order ---
    {"OrderIdLowerCase", Doc::kOrder, [](YAML::Node& r) { r["id"] = "wo-1"; },
     "id: must match [A-Z0-9][A-Z0-9-]{0,31} (got 'wo-1')"},
    {"OrderVariantWithoutVersion", Doc::kOrder, [](YAML::Node& r) { r["variant"] = "dc150"; },
     "variant: must be name@version, e.g. wallbox-ac22@3 (got 'dc150')"},
    {"OrderVariantVersionZero", Doc::kOrder, [](YAML::Node& r) { r["variant"] = "dc150@0"; },
     "variant: version must be >= 1 (got 0)"},
    {"OrderQuantityZero", Doc::kOrder, [](YAML::Node& r) { r["quantity"] = 0; },
     "quantity: must be >= 1 (got 0)"},
    {"OrderQuantityTooHigh", Doc::kOrder, [](YAML::Node& r) { r["quantity"] = 100001; },
     "quantity: must be <= 100000 (got 100001)"},
    {"OrderCustomerMissing", Doc::kOrder, [](YAML::Node& r) { r.remove("customer"); },
     "customer: required"},
    {"OrderEnvironmentNotSlug", Doc::kOrder, [](YAML::Node& r) { r["environment"] = "Prod!"; },
     "environment: must match"},
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

class BadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInputTest, IsRejectedNamingSourceFieldAndReason) {
  const BadCase& c = GetParam();
  Status s = LoadMutated(c);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  const std::string want = SourceOf(c.doc) + ": " + c.expected;
  EXPECT_NE(s.message().find(want), std::string::npos)
      << "want: " << want << "\n got: " << s.message();
}

INSTANTIATE_TEST_SUITE_P(Catalog, BadInputTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadCase>& p) {
                           return std::string(p.param.name);
                         });

// Inputs a YAML mutation cannot express: text-level problems.
struct TextCase {
  const char* name;
  const char* yaml;
  const char* expected;
};

const TextCase kTextCases[] = {
    {"DuplicateKey", "name: a\nname: b\n", "x.yaml: name: duplicate key"},
    {"QuotedNumber", "quantity: \"5\"\n", "x.yaml: quantity: must be an integer (got string '5')"},
    {"NotAMapping", "- just\n- a list\n", "x.yaml: (document): must be a mapping"},
    {"SyntaxError", "id: [unclosed\n", "x.yaml: line "},
    {"InvalidUtf8", "customer: \"\xC3\x28\"\n", "x.yaml: customer: must be valid UTF-8"},
};

void PrintTo(const TextCase& c, std::ostream* os) {
  *os << c.name;
}

class BadTextTest : public ::testing::TestWithParam<TextCase> {};

TEST_P(BadTextTest, IsRejected) {
  const TextCase& c = GetParam();
  Status s = LoadWorkOrderFromString(c.yaml, "x.yaml").status();
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
}

INSTANTIATE_TEST_SUITE_P(Catalog, BadTextTest, ::testing::ValuesIn(kTextCases),
                         [](const ::testing::TestParamInfo<TextCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(StrictBooleanTest, YesIsNotTrue) {
  std::string text = "name: production\nkind: production\n";
  Status s = LoadEnvironmentFromString("apn: {apn: x, use_only_preferred: yes}\n" + text, "e.yaml")
                 .status();
  EXPECT_NE(s.message().find("e.yaml: apn.use_only_preferred: must be true or false (got 'yes')"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace evprov::catalog

namespace evprov::catalog {
namespace {

Status WithCsmsUrl(const std::string& url) {
  YAML::Node root = YAML::LoadFile(test::Example("environments/staging.yaml"));
  root["csms_url"] = url;
  return LoadEnvironmentFromString(YAML::Dump(root), "e.yaml").status();
}

TEST(CsmsUrlTest, AcceptsHostsIpsAndPorts) {
  for (const char* url :
       {"wss://10.0.0.5/ocpp", "wss://[2001:db8::1]:8443/ocpp", "wss://csms.example.com:443/a/b",
        "wss://csms/ocpp/", "wss://xn--bcher-kva.example/ocpp"}) {
    EXPECT_TRUE(WithCsmsUrl(url).ok()) << url << ": " << WithCsmsUrl(url).message();
  }
}

TEST(CsmsUrlTest, RefusesMalformedOnes) {
  const std::pair<const char*, const char*> cases[] = {
      {"wss://[::1/ocpp", "has an unclosed '[' in the host"},
      {"wss:///ocpp", "has an invalid host"},
      {"wss://-bad.example.com/ocpp", "has an invalid host"},
      {"wss://csms.example.com/ocpp?x=1", "must not have a query or fragment"},
      {"wss://csms.example.com:/ocpp", "has an invalid port"},
      {"wss://csms example.com/ocpp", "must not contain white space"},
      {"wss://[fe80::zz]/ocpp", "has an invalid IPv6 address"},
  };
  for (const auto& [url, reason] : cases) {
    Status s = WithCsmsUrl(url);
    EXPECT_NE(s.message().find(std::string("e.yaml: csms_url: ") + reason), std::string::npos)
        << url << ": " << s.message();
  }
}

}  // namespace
}  // namespace evprov::catalog
