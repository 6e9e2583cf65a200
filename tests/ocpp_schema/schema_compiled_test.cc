// The compiled schema (src/ocpp/schema_compiled.h) must give valijson's
// verdict on every payload: SchemaValidator trusts it to accept. Checked on
// every official schema of both versions with schema samples, every
// single-rule mutant, and seeded random mutations, and on small schemas for
// the edges (UTF-8 lengths, integral numbers, strict enums, $ref siblings).
#include "ocpp/schema_compiled.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ocpp/schema_adapt.h"
#include "ocpp/schema_embedded.h"
#include "ocpp/schema_valijson.h"
#include "schema_sample.h"

namespace evprov::ocpp::internal {
namespace {

using nlohmann::json;
using testing::SampleOptions;
using testing::SchemaSampler;

// The adapted document and valijson's schema built from it, as SchemaValidator does.
struct Reference {
  explicit Reference(json schema) : document(std::move(schema)) {
    AdaptSchema(document);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    AddAdaptedConstraints(parser);
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(document), schema_);
  }
  bool Accepts(const json& payload) const {
    valijson::Validator validator;
    return validator.validate(schema_, valijson::adapters::NlohmannJsonAdapter(payload), nullptr);
  }
  json document;

 private:
  valijson::Schema schema_;
};

void AllPointers(const json& node, const json::json_pointer& at,
                 std::vector<json::json_pointer>& out) {
  out.push_back(at);
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) AllPointers(value, at / key, out);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) AllPointers(node[i], at / i, out);
  }
}

std::string Repeat(std::string_view unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// One random change at a random place of `payload`.
void MutateOnce(json& payload, std::mt19937& rng,
                const std::map<std::string, std::vector<std::string>>& enums) {
  std::vector<json::json_pointer> pointers;
  AllPointers(payload, json::json_pointer(), pointers);
  const json::json_pointer at = pointers[rng() % pointers.size()];
  json& node = payload[at];
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  switch (pick(10)) {
    case 0: {  // another JSON type or an edge value
      const json pool[] = {nullptr,
                           true,
                           0,
                           -1,
                           7,
                           1.5,
                           3.0,
                           -0.5,
                           1e300,
                           std::numeric_limits<std::uint64_t>::max(),
                           "",
                           "x",
                           "2026-11-24T02:05:01Z",
                           "2026-02-30T00:00:00Z",
                           json::object(),
                           json::array()};
      node = pool[pick(std::size(pool))];
      break;
    }
    case 1:  // drop a member
      if (!at.empty() && payload[at.parent_pointer()].is_object()) {
        payload[at.parent_pointer()].erase(at.back());
      }
      break;
    case 2:  // an unknown member
      if (node.is_object()) node["evprovFuzz" + std::to_string(pick(3))] = pick(2) == 0;
      break;
    case 3:  // arrays grow or empty
      if (node.is_array()) {
        if (pick(2) == 0 || node.empty()) {
          node = json::array();
        } else {
          const std::size_t copies = 1 + pick(12);
          for (std::size_t i = 0; i < copies; ++i) node.push_back(node[0]);
        }
      }
      break;
    case 4: {  // strings of ASCII or multi-byte characters around typical limits
      static constexpr std::string_view kUnits[] = {"x", "\xC3\xA9", "\xE2\x82\xAC",
                                                    "\xF0\x9F\x94\x8C"};
      const std::size_t length = node.is_string() ? node.get_ref<const std::string&>().size() : 20;
      node = Repeat(kUnits[pick(std::size(kUnits))], pick(2 * length + 3));
      break;
    }
    case 5:  // a NUL inside (valijson counts up to it)
      if (node.is_string())
        node = node.get<std::string>() + std::string(1, '\0') + Repeat("y", 600);
      break;
    case 6:  // numbers nudged, fractions, integral doubles
      if (node.is_number()) {
        const double value = node.get<double>();
        const json choices[] = {value + 1,
                                value - 1,
                                value + 0.5,
                                value * 1.0,
                                static_cast<std::int64_t>(value) * 1000000,
                                -value};
        node = choices[pick(std::size(choices))];
      }
      break;
    case 7: {  // an enum value of the schema (maybe of the wrong enum)
      if (node.is_string() && !enums.empty()) {
        auto it = enums.begin();
        std::advance(it, static_cast<long>(pick(enums.size())));
        if (!it->second.empty()) node = it->second[pick(it->second.size())];
      }
      break;
    }
    case 8:  // date-time edges
      if (node.is_string()) {
        const char* dates[] = {"2024-02-29T23:59:60Z", "2024-02-29 10:00:00.123+05:30",
                               "2026-11-24T02:05:01", "2026-13-01T00:00:00Z", "x"};
        node = dates[pick(std::size(dates))];
      }
      break;
    default:  // the value wrapped
      node = json::array({node});
      break;
  }
}

struct Tally {
  int accepted = 0;
  int refused = 0;
};

void ExpectSameVerdict(const CompiledSchema& compiled, const Reference& reference,
                       const json& payload, const std::string& name, Tally& tally) {
  const bool expected = reference.Accepts(payload);
  EXPECT_EQ(compiled.Accepts(payload), expected) << name << ": " << payload.dump();
  (expected ? tally.accepted : tally.refused)++;
}

TEST(CompiledSchemaTest, SameVerdictAsValijsonOnEveryOfficialSchema) {
  std::mt19937 rng(20261124);  // fixed: a failure reproduces
  Tally tally;
  int compiled_count = 0;
  int sampled = 0;
  int v201 = 0;
  for (const auto& embedded : EmbeddedSchemas()) {
    const std::string name = std::string(embedded.action) +
                             (embedded.kind == MessageKind::kRequest ? "Request" : "Response");
    const Reference reference(json::parse(embedded.text));
    const auto compiled = CompiledSchema::Compile(reference.document);
    if (embedded.version == OcppVersion::kV201) {
      ++v201;
      ASSERT_TRUE(compiled.has_value()) << name << ": every OCPP 2.0.1 schema is in the subset";
    }
    if (!compiled) {
      // Outside the subset: only OCPP 1.6 schemas with multipleOf.
      EXPECT_NE(std::string(embedded.text).find("multipleOf"), std::string::npos) << name;
      continue;
    }
    ++compiled_count;
    const SchemaSampler sampler(json::parse(embedded.text));
    std::vector<json> seeds;
    try {
      seeds.push_back(sampler.Sample(SampleOptions{.maximal = true, .max_string = 600}));
      seeds.push_back(sampler.Sample(SampleOptions{.maximal = false}));
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": no sample: " << e.what();
      continue;
    }
    ++sampled;
    const auto enums = sampler.EnumDefinitions();
    for (const auto& seed : seeds) {
      ExpectSameVerdict(*compiled, reference, seed, name, tally);
      for (const auto& mutant : sampler.Mutants(seed)) {
        ExpectSameVerdict(*compiled, reference, mutant.payload, name + " " + mutant.keyword, tally);
      }
      for (int trial = 0; trial < 150; ++trial) {
        json payload = seed;
        const int changes = 1 + static_cast<int>(rng() % 3);
        for (int i = 0; i < changes; ++i) MutateOnce(payload, rng, enums);
        ExpectSameVerdict(*compiled, reference, payload, name + " fuzz", tally);
      }
    }
    if (HasFailure()) return;  // one schema's report is enough to read
  }
  std::cout << "compiled " << compiled_count << " schemas; payloads accepted " << tally.accepted
            << ", refused " << tally.refused << "\n";
  EXPECT_GT(v201, 120);
  EXPECT_GT(compiled_count, 190);
  EXPECT_EQ(sampled, compiled_count);
  // Both verdicts well represented, or the comparison would prove little.
  EXPECT_GT(tally.accepted, 10000);
  EXPECT_GT(tally.refused, 10000);
}

// Small schemas for the edges; each verdict is also checked against valijson.
class CompiledEdgeTest : public ::testing::Test {
 protected:
  void Expect(const json& schema, const json& payload, bool accepted) {
    const Reference reference(schema);
    const auto compiled = CompiledSchema::Compile(reference.document);
    ASSERT_TRUE(compiled.has_value()) << schema.dump();
    EXPECT_EQ(compiled->Accepts(payload), accepted) << payload.dump();
    EXPECT_EQ(reference.Accepts(payload), accepted) << "valijson disagrees: " << payload.dump();
  }
};

TEST_F(CompiledEdgeTest, MaxLengthCountsCharactersNotBytes) {
  const json schema = {{"type", "string"}, {"maxLength", 3}};
  Expect(schema, "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", true);  // 3 characters, 9 bytes
  Expect(schema, "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", false);
  Expect(schema, "abc", true);
  Expect(schema, "abcd", false);
  Expect(schema, 12345, false);  // the type, not the length
}

TEST_F(CompiledEdgeTest, IntegersAreNumbersWithoutFraction) {
  const json schema = {{"type", "integer"}, {"minimum", 0}, {"maximum", 10}};
  Expect(schema, 3, true);
  Expect(schema, 3.0, true);
  Expect(schema, 3.5, false);
  Expect(schema, -1, false);
  Expect(schema, 10.0, true);
  Expect(schema, 11, false);
  Expect(schema, "3", false);
  Expect(schema, true, false);
}

TEST_F(CompiledEdgeTest, EnumsCompareStrictly) {
  const json schema = {{"type", "string"}, {"enum", {"Accepted", "Rejected", "1"}}};
  Expect(schema, "Rejected", true);
  Expect(schema, "rejected", false);
  Expect(schema, "1", true);
  Expect(schema, 1, false);
}

TEST_F(CompiledEdgeTest, ObjectsRequiredAndAdditionalProperties) {
  const json closed = {{"type", "object"},
                       {"additionalProperties", false},
                       {"properties", {{"a", {{"type", "integer"}}}, {"b", {{"type", "string"}}}}},
                       {"required", {"b"}}};
  Expect(closed, {{"b", "x"}}, true);
  Expect(closed, {{"a", 1}, {"b", "x"}}, true);
  Expect(closed, {{"a", 1}}, false);              // b missing
  Expect(closed, {{"b", "x"}, {"c", 1}}, false);  // c not allowed
  Expect(closed, {{"b", nullptr}}, false);        // present, wrong type
  json open = closed;
  open.erase("additionalProperties");
  open["required"] = {"b", "z"};  // z is required without being described
  Expect(open, {{"b", "x"}, {"z", nullptr}}, true);
  Expect(open, {{"b", "x"}}, false);
}

TEST_F(CompiledEdgeTest, ArraysRefsAndRecursion) {
  const json tree = {
      {"$ref", "#/definitions/Node"},
      {"definitions",
       {{"Node",
         {{"type", "object"},
          {"additionalProperties", false},
          {"required", {"id"}},
          {"properties",
           {{"id", {{"$ref", "#/definitions/Id"}, {"maxLength", 1}}},  // sibling ignored
            {"children",
             {{"type", "array"},
              {"minItems", 1},
              {"maxItems", 2},
              {"items", {{"$ref", "#/definitions/Node"}}}}}}}}},
        {"Id", {{"type", "string"}, {"maxLength", 5}}}}}};
  Expect(tree, {{"id", "root"}}, true);
  Expect(
      tree,
      {{"id", "root"}, {"children", {{{"id", "a"}}, {{"id", "b"}, {"children", {{{"id", "c"}}}}}}}},
      true);
  Expect(tree, {{"id", "root"}, {"children", json::array()}}, false);  // minItems
  Expect(tree, {{"id", "root"}, {"children", {{{"id", "a"}}, {{"id", "b"}}, {{"id", "c"}}}}},
         false);
  Expect(tree, {{"id", "root"}, {"children", {{{"id", "toolong"}}}}}, false);  // deep maxLength
  Expect(tree, {{"id", "root"}, {"children", {{{"name", "a"}}}}}, false);      // deep required
}

TEST_F(CompiledEdgeTest, DateTimeOnlyWhereTheSchemaSaysSo) {
  Expect({{"type", "string"}, {"format", "date-time"}}, "2026-11-24T02:05:01Z", true);
  Expect({{"type", "string"}, {"format", "date-time"}}, "2026-11-24", false);
  Expect({{"type", "string"}, {"format", "uri"}}, "not a uri", true);  // an annotation
}

TEST(CompiledSchemaTest, KeywordsOutsideTheSubsetDoNotCompile) {
  for (const json& schema :
       {json{{"type", "number"}, {"multipleOf", 0.1}}, json{{"type", {"string", "null"}}},
        json{{"type", "object"}, {"patternProperties", json::object()}},
        json{{"type", "object"}, {"additionalProperties", {{"type", "string"}}}},
        json{{"$ref", "other.json#/definitions/X"}}, json{{"$ref", "#/definitions/Missing"}},
        json{{"type", "array"}, {"items", json::array()}}, json{{"enum", {1, 2}}},
        json{{"type", "string"}, {"pattern", "^a$"}}}) {
    json adapted = schema;
    AdaptSchema(adapted);
    EXPECT_FALSE(CompiledSchema::Compile(adapted).has_value()) << schema.dump();
  }
}

}  // namespace
}  // namespace evprov::ocpp::internal
