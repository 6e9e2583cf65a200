// ParseJsonText must give exactly what nlohmann::json::parse gives (value,
// number type, discarded or not): on every schema sample as a frame, on
// hand-written edges of numbers, strings, UTF-8 and structure, and on seeded
// random byte mutations of valid frames. AppendJsonText must write exactly
// what dump writes: on every value parsed there, and on values no parser
// produces (invalid UTF-8, control bytes, binary).
#include "ocpp/json_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "../ocpp_schema/schema_sample.h"
#include "evprov/ocpp/schema.h"

namespace evprov::ocpp::internal {
namespace {

using nlohmann::json;

// Equal values of equal types all the way down (json's == says 1u == 1).
bool Same(const json& a, const json& b) {
  if (a.type() != b.type() || a.is_discarded() != b.is_discarded()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    auto j = b.begin();
    for (auto i = a.begin(); i != a.end(); ++i, ++j) {
      if (i.key() != j.key() || !Same(*i, *j)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (!Same(a[k], b[k])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {
    return a.get<double>() == b.get<double>() &&
           std::signbit(a.get<double>()) == std::signbit(b.get<double>());
  }
  return a.is_discarded() || a == b;
}

struct Tally {
  int valid = 0;
  int invalid = 0;
};

void ExpectSame(const std::string& text, Tally& tally) {
  const json expected = json::parse(text, nullptr, false);
  const json got = ParseJsonText(text);
  EXPECT_TRUE(Same(got, expected))
      << "text: " << json(text).dump(-1, ' ', true, json::error_handler_t::replace)
      << "\nnlohmann: " << expected.dump(-1, ' ', false, json::error_handler_t::replace)
      << "\nfast:     " << got.dump(-1, ' ', false, json::error_handler_t::replace);
  (expected.is_discarded() ? tally.invalid : tally.valid)++;
  if (expected.is_discarded()) return;
  // Every valid text also checks the writer: it writes back what dump writes.
  std::string written;
  AppendJsonText(written, expected);
  EXPECT_EQ(written, expected.dump(-1, ' ', false, json::error_handler_t::replace));
}

TEST(JsonTextTest, HandWrittenEdgesParseAsNlohmannParsesThem) {
  Tally tally;
  const std::vector<std::string> numbers = {"0",
                                            "-0",
                                            "-0.0",
                                            "0.0",
                                            "1e5",
                                            "1E-7",
                                            "-1.5e+3",
                                            "123456789012345678901234567890",
                                            "-9223372036854775808",
                                            "-9223372036854775809",
                                            "9223372036854775807",
                                            "9223372036854775808",
                                            "18446744073709551615",
                                            "18446744073709551616",
                                            "4294967295",
                                            "4294967296",
                                            "-2147483648",
                                            "-2147483649",
                                            "0.1",
                                            "1.7976931348623157e308",
                                            "5e-324",
                                            "2.2250738585072014e-308",
                                            "1e400",
                                            "-1e400",
                                            "01",
                                            "1.",
                                            ".5",
                                            "+1",
                                            "--1",
                                            "1e",
                                            "1e+",
                                            "NaN",
                                            "Infinity",
                                            "-",
                                            "0x10",
                                            "1.0000000000000002",
                                            "9007199254740993",
                                            "123.456e-789"};
  for (const auto& n : numbers) {
    ExpectSame(n, tally);
    ExpectSame("[" + n + "]", tally);
    ExpectSame("{\"n\":" + n + "}", tally);
  }
  const std::vector<std::string> strings = {R"("")",
                                            R"("a\"b\\c\/d\b\f\n\r\t")",
                                            R"("\u00e9\u20ac")",
                                            R"("\ud83d\ude00")",
                                            R"("\ud800")",
                                            R"("\udc00")",
                                            R"("\ud800\u0041")",
                                            R"("\x")",
                                            R"("\u12")",
                                            R"("\U0041")",
                                            "\"\t\"",
                                            "\"a\nb\"",
                                            "\"\x7f\"",
                                            "\"\xc3\xa9\"",
                                            "\"\xe2\x82\xac\"",
                                            "\"\xf0\x9f\x94\x8c\"",
                                            "\"\xc0\x80\"",
                                            "\"\xed\xa0\x80\"",
                                            "\"\xf4\x90\x80\x80\"",
                                            "\"\xe0\x80\x80\"",
                                            "\"\xf0\x80\x80\x80\"",
                                            "\"\xc3\"",
                                            "\"\xe2\x82\"",
                                            "\"\xff\"",
                                            "\"\x80\"",
                                            "\"abc",
                                            R"("\u0000")",
                                            std::string("\"a\0b\"", 5)};
  for (const auto& s : strings) {
    ExpectSame(s, tally);
    ExpectSame("[" + s + "]", tally);
    ExpectSame("{" + s + ":1}", tally);
  }
  const std::vector<std::string> structures = {"",
                                               " ",
                                               "[]",
                                               "{}",
                                               "[,]",
                                               "[1,]",
                                               "{\"a\":1,}",
                                               "{\"a\":1,\"a\":2}",
                                               "{\"a\":1,\"b\":2,\"a\":3}",
                                               "{\"c\":1,\"b\":2,\"a\":3}",
                                               "\"\\\\ud800\"",
                                               "{\"b\":1,\"a\":{\"c\":[1,{\"d\":null}]}}",
                                               "[1] x",
                                               "[1] ",
                                               " \t\r\n[1]\r\n",
                                               "[1]\v",
                                               "\xef\xbb\xbf[1]",
                                               "[1",
                                               "{\"a\"}",
                                               "{\"a\":}",
                                               "{1:2}",
                                               "[true,false,null]",
                                               "[tru]",
                                               "nul",
                                               "[\"a\",[\"b\",[\"c\",[]]]]",
                                               std::string("[1]\0", 4),
                                               std::string(2000, '[') + std::string(2000, ']'),
                                               "{\"\":\"\"}",
                                               "[1,2,3,4,5,6,7,8,9,10]"};
  for (const auto& s : structures) ExpectSame(s, tally);
  EXPECT_GT(tally.valid, 80);
  EXPECT_GT(tally.invalid, 80);
}

// Values no parser produces: invalid UTF-8 (written as U+FFFD, as dump's
// replace handler does), every control byte, DEL, quotes and backslashes in
// keys and values, floats, extreme integers, empty containers, binary.
TEST(JsonTextTest, WriterWritesWhatDumpWrites) {
  std::vector<json> values = {json(),
                              true,
                              false,
                              0,
                              -1,
                              1U,
                              json::object(),
                              json::array(),
                              std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<std::uint64_t>::max(),
                              0.5,
                              -0.0,
                              1e300,
                              std::numeric_limits<double>::quiet_NaN(),
                              3.0,
                              json::binary({1, 2, 3})};
  std::string all_bytes;
  for (int c = 1; c < 256; ++c) all_bytes += static_cast<char>(c);
  // ASCII only (written without nlohmann): every byte below 0x80, NUL too,
  // and a PEM's line breaks.
  std::string ascii_bytes(1, '\0');
  for (int c = 1; c < 128; ++c) ascii_bytes += static_cast<char>(c);
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\r\nAA==\n-----END CERTIFICATE-----\n";
  for (const std::string& s :
       {std::string(), std::string("plain"), std::string("a\"b\\c/d"), std::string("\x7f"),
        std::string("back\\slash"), std::string("quote\"d"), std::string("tab\t"),
        std::string("caf\xc3\xa9"), std::string("\xe2\x82\xac euro"), std::string("bad \xff"),
        std::string("cut \xe2\x82"), std::string("nul\0in", 6), all_bytes, ascii_bytes, pem,
        std::string("\x1f\x01\x7f\b\f")}) {
    values.push_back(s);
    values.push_back({{s, s}, {"k", json::array({s, 1, json::object()})}});
  }
  values.push_back({{"reportData", values}, {"tbc", false}});
  for (const json& v : values) {
    std::string written;
    AppendJsonText(written, v);
    EXPECT_EQ(written, v.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

TEST(JsonTextTest, FramesAndTheirMutationsParseAsNlohmannParsesThem) {
  std::mt19937 rng(1124);  // fixed: a failure reproduces
  Tally tally;
  const SchemaValidator& validator = SchemaValidator::Shared(OcppVersion::kV201);
  const char kBytes[] = {'"',    '\\',   '{',    '}',    '[',    ']',    ',',  ':',
                         '0',    '-',    'e',    '.',    'u',    ' ',    '\n', '\x01',
                         '\x7f', '\xc3', '\xa9', '\xe2', '\x80', '\xff', 'n',  't'};
  for (const auto& action : validator.Actions()) {
    for (MessageKind kind : {MessageKind::kRequest, MessageKind::kResponse}) {
      const testing::SchemaSampler sampler(
          json::parse(*SchemaText(OcppVersion::kV201, action, kind)));
      for (bool maximal : {true, false}) {
        const json payload = sampler.Sample({.maximal = maximal, .max_string = 40});
        const std::string text = json::array({2, "id-1", action, payload}).dump();
        ExpectSame(text, tally);
        for (int trial = 0; trial < 40; ++trial) {
          std::string mutated = text;
          const int changes = 1 + static_cast<int>(rng() % 3);
          for (int c = 0; c < changes && !mutated.empty(); ++c) {
            const std::size_t at = rng() % mutated.size();
            const char byte = kBytes[rng() % sizeof(kBytes)];
            switch (rng() % 4) {
              case 0:
                mutated[at] = byte;
                break;
              case 1:
                mutated.erase(at, 1);
                break;
              case 2:
                mutated.insert(at, 1, byte);
                break;
              default:
                mutated.resize(at);  // a truncated frame
                break;
            }
          }
          ExpectSame(mutated, tally);
        }
        if (HasFailure()) return;
      }
    }
  }
  EXPECT_GT(tally.valid, 2000);
  EXPECT_GT(tally.invalid, 5000);
}

}  // namespace
}  // namespace evprov::ocpp::internal
