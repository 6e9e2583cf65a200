// common/csv.h: RFC 4180 reading (quoted fields, embedded commas, line breaks
// and doubled quotes, CRLF, errors with line and column) and writing (quoting
// only when needed), and the round trip writer → reader.
#include "evprov/common/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace evprov::csv {
namespace {

using Fields = std::vector<std::string>;

std::vector<Fields> FieldsOf(const Result<std::vector<Record>>& records) {
  std::vector<Fields> out;
  if (!records.ok()) return out;
  for (const auto& r : *records) out.push_back(r.fields);
  return out;
}

TEST(CsvTest, PlainFieldsAndEmptyOnes) {
  auto r = Parse("a,b,c\n1,,3\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FieldsOf(r), (std::vector<Fields>{{"a", "b", "c"}, {"1", "", "3"}}));
  EXPECT_EQ((*r)[1].line, 2);
}

TEST(CsvTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto r = Parse("id,note\n\"HW,1\",\"say \"\"hi\"\"\"\nHW-2,\"two\nlines\"\nHW-3,\"\"\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FieldsOf(r),
            (std::vector<Fields>{
                {"id", "note"}, {"HW,1", "say \"hi\""}, {"HW-2", "two\nlines"}, {"HW-3", ""}}));
  EXPECT_EQ((*r)[2].line, 3);
  EXPECT_EQ((*r)[3].line, 5) << "a line break inside quotes still counts as a line";
}

TEST(CsvTest, CrlfLineEndsAndNoFinalLineEnd) {
  auto r = Parse("a,b\r\n\"x\r\ny\",2\r\nlast,row");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FieldsOf(r), (std::vector<Fields>{{"a", "b"}, {"x\r\ny", "2"}, {"last", "row"}}));
  auto cr_at_end = Parse("a,b\r");
  EXPECT_EQ(FieldsOf(cr_at_end), (std::vector<Fields>{{"a", "b"}}));
}

TEST(CsvTest, UnterminatedQuoteNamesItsLineAndColumn) {
  auto r = Parse("a,b\nok,1\nHW-3,\"never closed\nmore,2\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 3, column 6: unterminated quoted field"),
            std::string::npos)
      << r.status().message();
}

TEST(CsvTest, StrayQuotesAreErrors) {
  auto after = Parse("a,\"b\"x,c\n");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("line 1, column 6: text after the closing quote"),
            std::string::npos)
      << after.status().message();
  auto inside = Parse("a\nab\"c\n");
  ASSERT_FALSE(inside.ok());
  EXPECT_NE(inside.status().message().find("line 2, column 3: a quote inside an unquoted field"),
            std::string::npos)
      << inside.status().message();
}

TEST(CsvTest, OptionsForManifests) {
  const std::string text = "# comment\n\n  a , \"  b  \" ,c\n  # indented comment\n";
  auto strict = Parse(text, {.skip_blank_lines = false});
  ASSERT_FALSE(strict.ok()) << "without trimming, text after a closing quote is an error";
  auto lenient = Parse(text, {.skip_blank_lines = true, .comment = '#', .trim_unquoted = true});
  ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
  EXPECT_EQ(FieldsOf(lenient), (std::vector<Fields>{{"a", "  b  ", "c"}}));
  EXPECT_EQ((*lenient)[0].line, 3);
  auto blanks = Parse("a\n\nb\n", {.skip_blank_lines = false});
  EXPECT_EQ(FieldsOf(blanks), (std::vector<Fields>{{"a"}, {""}, {"b"}}));
  auto hash_is_data = Parse("#a,b\n");
  EXPECT_EQ(FieldsOf(hash_is_data), (std::vector<Fields>{{"#a", "b"}}));
}

TEST(CsvTest, WriterQuotesOnlyWhenNeeded) {
  std::string out;
  AppendRecord(out, {"plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\r", " padded", "tab\t",
                     "#not-a-comment", "in#side"});
  EXPECT_EQ(out,
            "plain,,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\" padded\",\"tab\t\","
            "\"#not-a-comment\",in#side\n");
}

TEST(CsvTest, RoundTripWriterToReader) {
  const std::vector<Fields> rows = {
      {"hardware_id", "variant", "faults"},
      {"HW-1", "/data/variants/wallbox, AC \"22\".yaml", "drop-at=Reset;slow-responses=5"},
      {"HW-2", "", " leading and trailing "},
      {"HW-3", "multi\r\nline\nvalue", "\"\""},
      {"#HW-4", ",", "\t"},
  };
  std::string text;
  for (const auto& row : rows) AppendRecord(text, {row[0], row[1], row[2]});
  for (const ReadOptions& options :
       {ReadOptions{},
        ReadOptions{.skip_blank_lines = true, .comment = '#', .trim_unquoted = true}}) {
    auto back = Parse(text, options);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(FieldsOf(back), rows);
  }
}

}  // namespace
}  // namespace evprov::csv
