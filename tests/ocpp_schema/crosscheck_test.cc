// Cross-check of SchemaValidator against ocpp-rpc's own strict validator (ajv
// over ocpp-rpc's copy of the schemas), run by tests/ocpp_schema/crosscheck.js
// under node. The corpus: for every OCPP 2.0.1 action and kind, a maximal and a
// minimal valid payload and every single-rule violation of the maximal one
// (tests/ocpp_schema/schema_sample.h), plus the known divergences below.
// Both must agree on the verdict, on the failing rule (so our code is the
// one our table gives for ajv's keyword) and on the JSON path; ocpp-rpc's own
// code names must be the documented ones (docs/ocpp-schema.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evprov/ocpp/schema.h"
#include "ocpp_schema/schema_sample.h"
#include "support/temp_dir.h"

namespace evprov::ocpp {
namespace {

using nlohmann::json;
using testing::SampleOptions;
using testing::SchemaSampler;

struct Entry {
  std::string action;
  MessageKind kind = MessageKind::kRequest;
  json payload;
  std::string keyword;  // the rule the corpus breaks; "" when valid
  std::string path;     // where
  // Non-empty: the two disagree on this payload, and why. We reject it for
  // `keyword` (ocpp-rpc accepts), or accept it if keyword is empty (ocpp-rpc rejects).
  std::string divergence;
};

// ocpp-rpc's code for each keyword (its lib/validator.js table; unknown → FormatViolation).
const std::map<std::string, std::string> kOcppRpcCodes = {
    {"required", "OccurenceConstraintViolation"},  // sic: the 1.6 spelling, also for 2.0.1
    {"minItems", "OccurenceConstraintViolation"},
    {"maxItems", "OccurenceConstraintViolation"},
    {"type", "TypeConstraintViolation"},
    {"additionalProperties", "PropertyConstraintViolation"},
    {"pattern", "PropertyConstraintViolation"},
    {"maxLength", "FormatViolation"},
    {"minLength", "FormatViolation"},
    {"maximum", "FormatViolation"},
    {"minimum", "FormatViolation"},
    {"enum", "FormatViolation"},
    {"format", "FormatViolation"},
};

std::vector<Entry> Corpus(const SchemaValidator& validator) {
  std::vector<Entry> corpus;
  for (const auto& action : validator.Actions()) {
    for (MessageKind kind : {MessageKind::kRequest, MessageKind::kResponse}) {
      const SchemaSampler sampler(json::parse(*SchemaText(OcppVersion::kV201, action, kind)));
      json maximal = sampler.Sample(SampleOptions{.maximal = true, .max_string = 24});
      if (action == "GetChargingProfiles" && kind == MessageKind::kRequest) {
        corpus.push_back({action, kind, maximal, "", "",
                          "ocpp-rpc's copy of the schema closes ChargingProfileCriterionType "
                          "(additionalProperties: false); the official file does not"});
        maximal["chargingProfile"].erase("evprovExtra");
      }
      corpus.push_back({action, kind, maximal});
      corpus.push_back({action, kind, sampler.Sample(SampleOptions{.maximal = false})});
      for (auto& mutant : sampler.Mutants(maximal)) {
        corpus.push_back({action, kind, std::move(mutant.payload), mutant.keyword, mutant.path});
      }
    }
  }
  auto boot_response = [](json time) {
    return json{{"currentTime", std::move(time)}, {"interval", 300}, {"status", "Accepted"}};
  };
  const char* why =
      "ajv-formats 2.1.1 date-time: offset optional (its check tests '' against "
      "undefined), '+hhmm' and hour offsets > 23 accepted; RFC 3339 requires "
      "'Z' or '+hh:mm'";
  for (const char* time : {"2026-11-24T02:05:01", "2026-11-24T02:05:01+0100",
                           "2026-11-24T02:05:01+01", "2026-11-24T02:05:01+25:00"}) {
    corpus.push_back({"BootNotification", MessageKind::kResponse, boot_response(time), "format",
                      "currentTime", why});
  }
  // Agreed edge cases of date-time and integers.
  corpus.push_back(
      {"BootNotification", MessageKind::kResponse, boot_response("2024-02-29 23:59:60.5z")});
  corpus.push_back({"BootNotification", MessageKind::kResponse,
                    boot_response("2025-02-29T00:00:00Z"), "format", "currentTime"});
  json integral = boot_response("2026-11-24T02:05:01Z");
  integral["interval"] = 300.0;  // JSON Schema: an integer is any number without fraction
  corpus.push_back({"BootNotification", MessageKind::kResponse, integral});
  return corpus;
}

json RunOcppRpc(const std::vector<Entry>& corpus) {
  test::TempDir dir;
  json input = json::array();
  for (const auto& entry : corpus) {
    input.push_back({{"action", entry.action},
                     {"kind", entry.kind == MessageKind::kRequest ? "request" : "response"},
                     {"payload", entry.payload}});
  }
  std::ofstream(dir.File("corpus.json")) << input.dump();
  const std::string command = std::string("NODE_PATH='") + EVPROV_NPM_DIR + "' node '" +
                              EVPROV_SOURCE_DIR + "/tests/ocpp_schema/crosscheck.js' '" +
                              dir.File("corpus.json") + "' '" + dir.File("verdicts.json") + "'";
  const int rc = std::system(command.c_str());  // NOLINT(cert-env33-c): fixed command, test only
  if (rc != 0) {
    ADD_FAILURE() << "node crosscheck.js failed (" << rc << "); run scripts/setup.sh";
    return json::array();
  }
  return json::parse(evprov::test::ReadTextFile(dir.File("verdicts.json")));
}

TEST(CrossCheckOcppRpc, SameVerdictsRulesAndPathsAsOcppRpcStrictMode) {
  const SchemaValidator& validator = SchemaValidator::Shared(OcppVersion::kV201);
  const std::vector<Entry> corpus = Corpus(validator);
  ASSERT_GT(corpus.size(), 1000U);
  const json verdicts = RunOcppRpc(corpus);
  ASSERT_EQ(verdicts.size(), corpus.size());

  std::size_t valid = 0;
  std::size_t invalid = 0;
  std::size_t divergent = 0;
  std::map<std::string, int> keywords;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const Entry& entry = corpus[i];
    const json& theirs = verdicts[i];
    const auto ours = validator.Validate(entry.action, entry.kind, entry.payload);
    SCOPED_TRACE(entry.action + (entry.kind == MessageKind::kRequest ? "Request " : "Response ") +
                 entry.keyword + " at '" + entry.path + "'");
    if (!entry.divergence.empty()) {
      ++divergent;
      EXPECT_EQ(theirs["valid"].get<bool>(), !entry.keyword.empty())
          << "ocpp-rpc changed; update docs/ocpp-schema.md: " << entry.divergence;
      ASSERT_EQ(ours.has_value(), !entry.keyword.empty());
      if (ours) {
        EXPECT_EQ(ours->code, RpcErrorCodeForSchemaKeyword(entry.keyword));
      }
      continue;
    }
    ASSERT_EQ(ours.has_value(), !theirs["valid"].get<bool>())
        << "ours: " << (ours ? ours->description : "valid") << "; ocpp-rpc: " << theirs.dump()
        << "\npayload: " << entry.payload.dump();
    if (!ours) {
      EXPECT_TRUE(entry.keyword.empty()) << "both accept a payload meant to break a rule";
      ++valid;
      continue;
    }
    ++invalid;
    const std::string keyword = theirs["keyword"];
    const std::string path = theirs["path"];
    ++keywords[keyword];
    EXPECT_EQ(keyword, entry.keyword);
    EXPECT_EQ(path, entry.path);
    EXPECT_EQ(ours->code, RpcErrorCodeForSchemaKeyword(keyword)) << ours->description;
    EXPECT_TRUE(ours->description.starts_with((path.empty() ? "(payload)" : path) + ": "))
        << ours->description;
    const auto documented = kOcppRpcCodes.find(keyword);
    ASSERT_NE(documented, kOcppRpcCodes.end()) << "undocumented keyword " << keyword;
    EXPECT_EQ(theirs["code"], documented->second);
    if (::testing::Test::HasFailure()) break;  // one corpus entry's story is enough
  }
  // The corpus exercises every rule class the OCPP 2.0.1 schemas use.
  for (const char* keyword : {"required", "type", "maxLength", "enum", "additionalProperties",
                              "minItems", "maxItems", "minimum", "maximum", "format"}) {
    EXPECT_GT(keywords[keyword], 0) << keyword;
  }
  RecordProperty("corpus", static_cast<int>(corpus.size()));
  RecordProperty("valid", static_cast<int>(valid));
  RecordProperty("invalid", static_cast<int>(invalid));
  EXPECT_GT(valid, 250U);
  EXPECT_GT(invalid, 1000U);
  EXPECT_EQ(divergent, 5U);
}

}  // namespace
}  // namespace evprov::ocpp
