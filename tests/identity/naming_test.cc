#include "evprov/identity/naming.h"

#include <gtest/gtest.h>

namespace evprov::identity {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

NamingPattern Parse(std::string_view text) {
  auto p = ParseNamingPattern(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
  return p.ok() ? *p : NamingPattern{};
}

NamingContext At(std::chrono::year_month_day day, std::int64_t seq = 1) {
  NamingContext c;
  c.prefix = "EVB";
  c.date = sys_days(day);
  c.seq = seq;
  c.serial = "EVB-2626-000017";
  c.hardware_id = "HW-0001";
  return c;
}

std::string RenderOk(std::string_view pattern, const NamingContext& c) {
  auto r = Render(Parse(pattern), c);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "";
}

TEST(NamingParseTest, SplitsLiteralsAndTokens) {
  NamingPattern p = Parse("{prefix}-{yy}{ww}-{seq:06}");
  ASSERT_EQ(p.tokens().size(), 6u);
  EXPECT_EQ(p.tokens()[0].kind, TokenKind::kPrefix);
  EXPECT_EQ(p.tokens()[1].kind, TokenKind::kLiteral);
  EXPECT_EQ(p.tokens()[1].literal, "-");
  EXPECT_EQ(p.tokens()[1].position, 8u);
  EXPECT_EQ(p.tokens()[2].kind, TokenKind::kYear2);
  EXPECT_EQ(p.tokens()[3].kind, TokenKind::kIsoWeek);
  EXPECT_EQ(p.tokens()[5].kind, TokenKind::kSeq);
  EXPECT_EQ(p.tokens()[5].width, 6);
  EXPECT_EQ(p.tokens()[5].position, 18u);
  EXPECT_EQ(p.seq_width(), 6);
  EXPECT_EQ(p.MaxSeq(), 999999);
  EXPECT_EQ(p.source(), "{prefix}-{yy}{ww}-{seq:06}");
}

struct BadPattern {
  const char* pattern;
  const char* message_part;
};

TEST(NamingParseTest, ErrorsNameTheTokenAndPosition) {
  const BadPattern cases[] = {
      {"", "empty"},
      {"{prefix}-{week}", "unknown token '{week}' at position 9"},
      {"AB{seq:6}", "token '{seq:6}' at position 2"},
      {"AB{seq}", "token '{seq}' at position 2: the sequence is written {seq:0N}"},
      {"AB{seq:0x}", "token '{seq:0x}' at position 2"},
      {"AB{seq:00}", "width 0 is out of range 1..18"},
      {"AB{seq:019}", "width 19 is out of range 1..18"},
      {"AB{seq:04}{seq:04}", "second {seq} token at position 10"},
      {"AB{prefix", "unclosed '{' at position 2"},
      {"AB{pre{fix}", "unclosed '{' at position 2"},
      {"AB}", "unmatched '}' at position 2"},
      {"EV B{seq:03}", "character ' ' at position 2 is not allowed"},
      {"EV:{seq:03}", "character ':' at position 2 is not allowed"},
      {"EV/{seq:03}", "character '/' at position 2"},
      {"EV\x01{seq:03}", "character 0x01 at position 2"},
      {"{yy}{mm}{ww}{seq:03}", "{ww} and {mm} cannot be combined"},
  };
  for (const BadPattern& c : cases) {
    auto p = ParseNamingPattern(c.pattern);
    ASSERT_FALSE(p.ok()) << c.pattern;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.message_part), std::string::npos)
        << c.pattern << " -> " << p.status().message();
  }
}

TEST(NamingRenderTest, RendersEveryToken) {
  NamingContext c = At(2026y / 6 / 22, 17);
  EXPECT_EQ(RenderOk("{prefix}-{yy}{ww}-{seq:06}", c), "EVB-2626-000017");
  EXPECT_EQ(RenderOk("{prefix}.{yyyy}{mm}.{seq:04}", c), "EVB.202606.0017");
  EXPECT_EQ(RenderOk("CP_{serial}", c), "CP_EVB-2626-000017");
  EXPECT_EQ(RenderOk("{hardware_id}", c), "HW-0001");
  EXPECT_EQ(RenderOk("X{seq:01}", At(2026y / 6 / 22, 9)), "X9");
}

TEST(NamingRenderTest, IsoWeeksAcrossYearBoundaries) {
  const char* kPattern = "{yyyy}-{yy}{ww}";
  // 2026 has 53 ISO weeks; 2027-01-01..03 still belong to week 53 of 2026.
  EXPECT_EQ(RenderOk(kPattern, At(2026y / 12 / 31)), "2026-2653");
  EXPECT_EQ(RenderOk(kPattern, At(2027y / 1 / 1)), "2026-2653");
  EXPECT_EQ(RenderOk(kPattern, At(2027y / 1 / 3)), "2026-2653");
  EXPECT_EQ(RenderOk(kPattern, At(2027y / 1 / 4)), "2027-2701");
  // 2024-12-30 (a Monday) is week 1 of 2025.
  EXPECT_EQ(RenderOk(kPattern, At(2024y / 12 / 30)), "2025-2501");
  EXPECT_EQ(RenderOk(kPattern, At(2026y / 6 / 22)), "2026-2626");
  // Without {ww} the year is the calendar year.
  EXPECT_EQ(RenderOk("{yyyy}{mm}", At(2027y / 1 / 1)), "202701");
  EXPECT_EQ(RenderOk("{yy}", At(2024y / 12 / 30)), "24");
}

TEST(NamingRenderTest, RefusesMissingValuesAndOutOfRangeSequence) {
  NamingContext c = At(2026y / 6 / 22, 1000);
  auto r = Render(Parse("A{seq:03}"), c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sequence number 1000 is out of range 1..999"),
            std::string::npos)
      << r.status().message();
  c.seq = 0;
  EXPECT_FALSE(Render(Parse("A{seq:03}"), c).ok());
  c.seq = 1;
  c.serial.clear();
  r = Render(Parse("CP-{serial}"), c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("token '{serial}' at position 3: no value"),
            std::string::npos)
      << r.status().message();
}

TEST(NamingRenderTest, SequenceKeyLeavesOutTheSequence) {
  NamingPattern p = Parse("{prefix}-{yy}{ww}-{seq:06}");
  auto week26 = SequenceKey(p, At(2026y / 6 / 22, 5));
  ASSERT_TRUE(week26.ok());
  EXPECT_EQ(*week26, "EVB-2626-");
  // Same week, other sequence number and day: same key.
  EXPECT_EQ(*SequenceKey(p, At(2026y / 6 / 28, 77)), "EVB-2626-");
  // Next week: a new key, so numbering restarts.
  EXPECT_EQ(*SequenceKey(p, At(2026y / 6 / 29, 1)), "EVB-2627-");
}

TEST(NamingLengthTest, MaxRenderedLength) {
  EXPECT_EQ(MaxRenderedLength(Parse("{prefix}-{yy}{ww}-{seq:06}"), 3), 3u + 1 + 4 + 1 + 6);
  EXPECT_EQ(MaxRenderedLength(Parse("{yyyy}{mm}{seq:02}"), 10), 8u);
  EXPECT_EQ(MaxRenderedLength(Parse("CP-{serial}"), 0), 3u + kMaxSerialLength);
  EXPECT_EQ(MaxRenderedLength(Parse("{hardware_id}"), 0), kMaxHardwareIdLength);
  // The bound is reached: the longest sequence number renders exactly that long.
  NamingPattern p = Parse("{prefix}-{yy}{ww}-{seq:06}");
  EXPECT_EQ(Render(p, At(2026y / 6 / 22, p.MaxSeq()))->size(), MaxRenderedLength(p, 3));
}

TEST(NamingLengthTest, CheckIdentifierEnforcesLengthAndCharset) {
  EXPECT_TRUE(CheckSerial(std::string(25, 'A')).ok());
  Status s = CheckSerial(std::string(26, 'A'));
  EXPECT_EQ(s.message(), "serial: 26 characters; at most 25");
  EXPECT_TRUE(CheckChargerId(std::string(48, 'z')).ok());
  EXPECT_FALSE(CheckChargerId(std::string(49, 'z')).ok());
  s = CheckChargerId("CP:01");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("charger_id: 'CP' then ':' at position 2"), std::string::npos)
      << s.message();
  EXPECT_FALSE(CheckChargerId("").ok());
  EXPECT_FALSE(CheckChargerId("a%2Fb").ok());
  EXPECT_TRUE(CheckChargerId("Ab.9_-z").ok());
}

catalog::NamingConvention Convention(std::string serial, std::string charger_id) {
  catalog::NamingConvention n;
  n.prefix = "EVB";
  n.serial_pattern = std::move(serial);
  n.charger_id_pattern = std::move(charger_id);
  return n;
}

TEST(NamingValidateTest, AcceptsAUsualConvention) {
  Status s = ValidateNamingConvention(Convention("{prefix}-{yy}{ww}-{seq:06}", "CP-{serial}"));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

struct BadConvention {
  catalog::NamingConvention naming;
  const char* message_start;
};

TEST(NamingValidateTest, MessagesStartWithTheField) {
  catalog::NamingConvention bad_prefix = Convention("{prefix}{seq:04}", "{serial}");
  bad_prefix.prefix = "E V";
  catalog::NamingConvention empty_prefix = Convention("{prefix}{seq:04}", "{serial}");
  empty_prefix.prefix = "";
  const BadConvention cases[] = {
      {Convention("{prefix}-{week}", "{serial}"), "serial_pattern: unknown token '{week}'"},
      {Convention("{prefix}{seq:04}", "CP {serial}"), "charger_id_pattern: character ' '"},
      {Convention("{prefix}-{yyyy}{ww}-{seq:015}", "{serial}"),
       "serial_pattern: '{prefix}-{yyyy}{ww}-{seq:015}' renders up to 26 characters; the "
       "limit is 25"},
      {Convention("{prefix}{seq:04}", "{prefix}-{hardware_id}"),
       "charger_id_pattern: '{prefix}-{hardware_id}' renders up to 52 characters; the limit is "
       "48"},
      {Convention("{prefix}-{yy}{ww}", "{serial}"), "serial_pattern: '{prefix}-{yy}{ww}' has no"},
      {Convention("{serial}{seq:03}", "{serial}"), "serial_pattern: '{serial}{seq:03}' uses"},
      {Convention("{prefix}{seq:04}", "{prefix}-{yy}"), "charger_id_pattern: '{prefix}-{yy}' has"},
      {bad_prefix, "prefix: 'E' then ' '"},
      {empty_prefix, "prefix: empty"},
  };
  for (const BadConvention& c : cases) {
    Status s = ValidateNamingConvention(c.naming);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.message_start;
    EXPECT_EQ(s.message().rfind(c.message_start, 0), 0u)
        << "want prefix: " << c.message_start << "\n got: " << s.message();
  }
}

TEST(NamingValidateTest, TokenKindNamesAreTheSpelling) {
  EXPECT_EQ(TokenKindName(TokenKind::kHardwareId), "hardware_id");
  EXPECT_EQ(TokenKindName(TokenKind::kIsoWeek), "ww");
  EXPECT_EQ(TokenKindName(TokenKind::kYear4), "yyyy");
}

}  // namespace
}  // namespace evprov::identity
