// Environment documents: reader and rules (docs/catalog.md, "Environment").
#include "catalog/documents.h"
#include "catalog/net_rules.h"
#include "catalog/yaml_reader.h"

namespace evprov::catalog {
namespace {

constexpr std::size_t kMaxUrl = 512;  // OCPP ocppCsmsUrl
constexpr std::size_t kMaxServers = 4;
const std::vector<std::string_view> kKinds = {"staging", "production"};
// OCPP 2.0.1 APNAuthenticationEnumType.
const std::vector<std::string_view> kApnAuth = {"NONE", "PAP", "CHAP", "AUTO"};

// An ISO country code and an eMI3 operator: [A-Z]{2} and [A-Z0-9]{3}.
constexpr CharPattern kCountry{"A-Z", "A-Z", 2, "[A-Z]{2}", 2};
constexpr CharPattern kOperator{"A-Z0-9", "A-Z0-9", 3, "[A-Z0-9]{3}", 3};

void CheckUrl(Issues& issues, std::string_view path, std::string_view url, std::string_view scheme,
              bool require_path) {
  if (!CheckLength(issues, path, url, 1, kMaxUrl)) return;
  const std::string problem = UrlProblem(url, scheme, require_path);
  if (!problem.empty()) issues.Add(path, problem + " (got " + Quote(url) + ")");
}

void CheckServers(Issues& issues, std::string_view path, const std::vector<std::string>& list) {
  if (list.size() > kMaxServers) {
    issues.Add(path, "at most " + std::to_string(kMaxServers) + " entries");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!IsHostOrIp(list[i])) {
      issues.Add(Index(path, i),
                 "must be a host name or an IP address (got " + Quote(list[i]) + ")");
    }
  }
}

bool AllDigits(std::string_view s) {
  return s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

void ReadEnvironment(const YAML::Node& root, Issues& issues, Environment& env) {
  MapReader::Read(root, "", issues, [&env](MapReader& m) {
    m.Field("name", env.name);
    m.Field("kind", env.kind);
    m.Field("csms_url", env.csms_url);
    m.Field("security_profile", env.security_profile);
    m.Field("organization_name", env.organization_name);
    m.Field("ntp_servers", env.ntp_servers, Need::kOptional);
    m.Field("dns_servers", env.dns_servers, Need::kOptional);
    m.Map("apn", Need::kOptional, [&env](MapReader& am) {
      am.Field("apn", env.apn.apn);
      am.Field("username", env.apn.username, Need::kOptional);
      am.Field("authentication", env.apn.authentication, Need::kOptional);
      am.Field("preferred_network", env.apn.preferred_network, Need::kOptional);
      am.Field("use_only_preferred", env.apn.use_only_preferred, Need::kOptional);
    });
    m.Field("cpms_registration_url", env.cpms_registration_url);
    m.Field("issuing_ca", env.issuing_ca);
    m.Field("emi3_country", env.emi3_country);
    m.Field("emi3_operator", env.emi3_operator);
  });
}

void CheckEnvironment(const Environment& env, Issues& issues) {
  CheckPattern(issues, "name", env.name, kSlug);
  CheckOneOf(issues, "kind", env.kind, kKinds);
  CheckUrl(issues, "csms_url", env.csms_url, "wss", /*require_path=*/true);
  if (env.security_profile != 2 && env.security_profile != 3) {
    issues.Add("security_profile", "must be 2 (TLS + Basic auth) or 3 (mutual TLS) (got " +
                                       std::to_string(env.security_profile) + ")");
  }
  CheckLength(issues, "organization_name", env.organization_name, 1, 64);
  CheckServers(issues, "ntp_servers", env.ntp_servers);
  CheckServers(issues, "dns_servers", env.dns_servers);
  const ApnDefaults& apn = env.apn;
  const bool has_apn = !apn.apn.empty() || !apn.username.empty() || !apn.authentication.empty() ||
                       !apn.preferred_network.empty();
  if (has_apn) {
    CheckLength(issues, "apn.apn", apn.apn, 1, 512);
    CheckLength(issues, "apn.username", apn.username, 0, 20);
    if (!apn.authentication.empty()) {
      CheckOneOf(issues, "apn.authentication", apn.authentication, kApnAuth);
    }
    if (!apn.preferred_network.empty() &&
        (!AllDigits(apn.preferred_network) || apn.preferred_network.size() < 5 ||
         apn.preferred_network.size() > 6)) {
      issues.Add("apn.preferred_network",
                 "must be MCC+MNC, 5 or 6 digits (got " + Quote(apn.preferred_network) + ")");
    }
  }
  if (apn.use_only_preferred && apn.preferred_network.empty()) {
    issues.Add("apn.use_only_preferred", "needs apn.preferred_network");
  }
  CheckUrl(issues, "cpms_registration_url", env.cpms_registration_url, "https",
           /*require_path=*/false);
  CheckLength(issues, "issuing_ca", env.issuing_ca, 1, 64);
  if (env.emi3_country.has_value() != env.emi3_operator.has_value()) {
    issues.Add(env.emi3_country ? "emi3_operator" : "emi3_country",
               "emi3_country and emi3_operator go together: give both or neither");
  }
  if (env.emi3_country) CheckPattern(issues, "emi3_country", *env.emi3_country, kCountry);
  if (env.emi3_operator) CheckPattern(issues, "emi3_operator", *env.emi3_operator, kOperator);
}

}  // namespace evprov::catalog
