#include "evprov/identity/naming.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace evprov::identity {
namespace {

constexpr int kMaxSeqWidth = 18;  // 10^18 - 1 still fits in int64
constexpr std::string_view kAllowedChars = "A-Z a-z 0-9 . _ -";

bool IsIdentifierChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Describes a character for an error message without echoing control bytes.
std::string DescribeChar(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", u);
  return buf;
}

struct NamedToken {
  std::string_view name;
  TokenKind kind;
};
constexpr std::array<NamedToken, 7> kNamedTokens = {{
    {"prefix", TokenKind::kPrefix},
    {"yy", TokenKind::kYear2},
    {"yyyy", TokenKind::kYear4},
    {"ww", TokenKind::kIsoWeek},
    {"mm", TokenKind::kMonth},
    {"serial", TokenKind::kSerial},
    {"hardware_id", TokenKind::kHardwareId},
}};

std::string At(std::string_view what, std::size_t pos) {
  return std::string(what) + " at position " + std::to_string(pos);
}

// Parses the inside of {...} (without braces) that starts at pos.
Result<NamingToken> ParseToken(std::string_view body, std::size_t pos) {
  NamingToken token;
  token.position = pos;
  std::string quoted = "'{" + std::string(body) + "}'";
  for (const NamedToken& named : kNamedTokens) {
    if (body == named.name) {
      token.kind = named.kind;
      return token;
    }
  }
  constexpr std::string_view kSeq = "seq";
  if (body.substr(0, kSeq.size()) != kSeq) {
    return Status::InvalidArgument(At("unknown token " + quoted, pos) +
                                   " (known: {prefix} {yy} {yyyy} {ww} {mm} {seq:0N} {serial} "
                                   "{hardware_id})");
  }
  std::string_view spec = body.substr(kSeq.size());
  // "{seq:06}": a colon, a zero, then the width.
  bool well_formed =
      spec.size() >= 3 && spec[0] == ':' && spec[1] == '0' && spec.size() <= 4 &&
      std::all_of(spec.begin() + 2, spec.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!well_formed) {
    return Status::InvalidArgument(At("token " + quoted, pos) +
                                   ": the sequence is written {seq:0N}, N = 1.." +
                                   std::to_string(kMaxSeqWidth) + " digits");
  }
  int width = std::stoi(std::string(spec.substr(2)));
  if (width < 1 || width > kMaxSeqWidth) {
    return Status::InvalidArgument(At("token " + quoted, pos) + ": width " + std::to_string(width) +
                                   " is out of range 1.." + std::to_string(kMaxSeqWidth));
  }
  token.kind = TokenKind::kSeq;
  token.width = width;
  return token;
}

std::string TwoDigits(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

// The calendar and ISO-week fields of a UTC day.
struct DateParts {
  int year = 0;
  unsigned month = 0;
  int iso_year = 0;
  unsigned iso_week = 0;
};

DateParts SplitDate(std::chrono::sys_days day) {
  using namespace std::chrono;
  DateParts parts;
  year_month_day ymd(day);
  parts.year = static_cast<int>(ymd.year());
  parts.month = static_cast<unsigned>(ymd.month());
  // ISO 8601: the week (Monday..Sunday) belongs to the year of its Thursday.
  unsigned iso_weekday = weekday(day).iso_encoding();  // Monday = 1 .. Sunday = 7
  sys_days thursday = day - days(iso_weekday) + days(4);
  year thursday_year = year_month_day(thursday).year();
  parts.iso_year = static_cast<int>(thursday_year);
  auto first_day = sys_days(thursday_year / January / 1);
  parts.iso_week = static_cast<unsigned>((thursday - first_day).count() / 7 + 1);
  return parts;
}

Status AppendValue(const NamingToken& token, const std::string& value, std::string* out) {
  if (value.empty()) {
    return Status::InvalidArgument(
        At("token '{" + std::string(TokenKindName(token.kind)) + "}'", token.position) +
        ": no value to render");
  }
  *out += value;
  return Status::Ok();
}

enum class SeqMode { kRender, kOmit };

Result<std::string> RenderTokens(const NamingPattern& pattern, const NamingContext& context,
                                 SeqMode seq_mode) {
  DateParts date = SplitDate(context.date);
  bool week_based = pattern.Uses(TokenKind::kIsoWeek);
  int year = week_based ? date.iso_year : date.year;
  std::string out;
  for (const NamingToken& token : pattern.tokens()) {
    switch (token.kind) {
      case TokenKind::kLiteral:
        out += token.literal;
        break;
      case TokenKind::kPrefix:
        EVPROV_TRY(AppendValue(token, context.prefix, &out));
        break;
      case TokenKind::kYear2:
        out += TwoDigits(static_cast<unsigned>(year));
        break;
      case TokenKind::kYear4: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d", year);
        out += buf;
        break;
      }
      case TokenKind::kIsoWeek:
        out += TwoDigits(date.iso_week);
        break;
      case TokenKind::kMonth:
        out += TwoDigits(date.month);
        break;
      case TokenKind::kSeq: {
        if (seq_mode == SeqMode::kOmit) break;
        if (context.seq < 1 || context.seq > pattern.MaxSeq()) {
          return Status::InvalidArgument(
              At("token '{seq:0" + std::to_string(token.width) + "}'", token.position) +
              ": sequence number " + std::to_string(context.seq) + " is out of range 1.." +
              std::to_string(pattern.MaxSeq()));
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%0*lld", token.width, static_cast<long long>(context.seq));
        out += buf;
        break;
      }
      case TokenKind::kSerial:
        EVPROV_TRY(AppendValue(token, context.serial, &out));
        break;
      case TokenKind::kHardwareId:
        EVPROV_TRY(AppendValue(token, context.hardware_id, &out));
        break;
    }
  }
  return out;
}

Status CheckPatternLimits(std::string_view field, const NamingPattern& pattern,
                          std::size_t prefix_len, std::size_t max_len) {
  std::size_t longest = MaxRenderedLength(pattern, prefix_len);
  if (longest > max_len) {
    return Status::InvalidArgument(std::string(field) + ": '" + pattern.source() +
                                   "' renders up to " + std::to_string(longest) +
                                   " characters; the limit is " + std::to_string(max_len));
  }
  return Status::Ok();
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kLiteral:
      return "literal";
    case TokenKind::kPrefix:
      return "prefix";
    case TokenKind::kYear2:
      return "yy";
    case TokenKind::kYear4:
      return "yyyy";
    case TokenKind::kIsoWeek:
      return "ww";
    case TokenKind::kMonth:
      return "mm";
    case TokenKind::kSeq:
      return "seq";
    case TokenKind::kSerial:
      return "serial";
    case TokenKind::kHardwareId:
      return "hardware_id";
  }
  return "unknown";
}

bool NamingPattern::Uses(TokenKind kind) const {
  return std::any_of(tokens_.begin(), tokens_.end(),
                     [kind](const NamingToken& t) { return t.kind == kind; });
}

int NamingPattern::seq_width() const {
  for (const NamingToken& t : tokens_) {
    if (t.kind == TokenKind::kSeq) return t.width;
  }
  return 0;
}

std::int64_t NamingPattern::MaxSeq() const {
  std::int64_t max = 0;
  for (int i = 0; i < seq_width(); ++i) max = max * 10 + 9;
  return max;
}

Result<NamingPattern> ParseNamingPattern(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("naming pattern: empty");
  NamingPattern pattern;
  pattern.source_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '{') {
      std::size_t close = text.find_first_of("{}", i + 1);
      if (close == std::string_view::npos || text[close] == '{') {
        return Status::InvalidArgument(At("unclosed '{'", i));
      }
      EVPROV_ASSIGN_OR_RETURN(NamingToken token, ParseToken(text.substr(i + 1, close - i - 1), i));
      if (token.kind == TokenKind::kSeq && pattern.Uses(TokenKind::kSeq)) {
        return Status::InvalidArgument(At("second {seq} token", i) +
                                       ": a pattern has one sequence");
      }
      pattern.tokens_.push_back(std::move(token));
      i = close + 1;
      continue;
    }
    if (c == '}') return Status::InvalidArgument(At("unmatched '}'", i));
    if (!IsIdentifierChar(c)) {
      return Status::InvalidArgument(At("character " + DescribeChar(c), i) +
                                     " is not allowed (only " + std::string(kAllowedChars) + ")");
    }
    if (pattern.tokens_.empty() || pattern.tokens_.back().kind != TokenKind::kLiteral) {
      pattern.tokens_.push_back(NamingToken{TokenKind::kLiteral, "", 0, i});
    }
    pattern.tokens_.back().literal += c;
    ++i;
  }
  if (pattern.Uses(TokenKind::kIsoWeek) && pattern.Uses(TokenKind::kMonth)) {
    return Status::InvalidArgument(
        "tokens {ww} and {mm} cannot be combined: with {ww} the year is the ISO week-based "
        "year, which does not match calendar months");
  }
  return pattern;
}

Result<std::string> Render(const NamingPattern& pattern, const NamingContext& context) {
  return RenderTokens(pattern, context, SeqMode::kRender);
}

Result<std::string> SequenceKey(const NamingPattern& pattern, const NamingContext& context) {
  return RenderTokens(pattern, context, SeqMode::kOmit);
}

std::size_t MaxRenderedLength(const NamingPattern& pattern, std::size_t prefix_len) {
  std::size_t total = 0;
  for (const NamingToken& token : pattern.tokens()) {
    switch (token.kind) {
      case TokenKind::kLiteral:
        total += token.literal.size();
        break;
      case TokenKind::kPrefix:
        total += prefix_len;
        break;
      case TokenKind::kYear2:
      case TokenKind::kIsoWeek:
      case TokenKind::kMonth:
        total += 2;
        break;
      case TokenKind::kYear4:
        total += 4;
        break;
      case TokenKind::kSeq:
        total += static_cast<std::size_t>(token.width);
        break;
      case TokenKind::kSerial:
        total += kMaxSerialLength;
        break;
      case TokenKind::kHardwareId:
        total += kMaxHardwareIdLength;
        break;
    }
  }
  return total;
}

Status CheckIdentifier(std::string_view field, std::string_view value, std::size_t max_len) {
  std::string name(field);
  if (value.empty()) return Status::InvalidArgument(name + ": empty");
  if (value.size() > max_len) {
    return Status::InvalidArgument(name + ": " + std::to_string(value.size()) +
                                   " characters; at most " + std::to_string(max_len));
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!IsIdentifierChar(value[i])) {
      return Status::InvalidArgument(name + ": '" + std::string(value.substr(0, i)) + "' then " +
                                     DescribeChar(value[i]) + " at position " + std::to_string(i) +
                                     " is not allowed (only " + std::string(kAllowedChars) + ")");
    }
  }
  return Status::Ok();
}

Status ValidateNamingConvention(const catalog::NamingConvention& naming) {
  auto serial = ParseNamingPattern(naming.serial_pattern);
  if (!serial.ok()) return serial.status().WithContext("serial_pattern");
  auto charger_id = ParseNamingPattern(naming.charger_id_pattern);
  if (!charger_id.ok()) return charger_id.status().WithContext("charger_id_pattern");
  // The prefix is rendered into the values, so it obeys the same charset.
  if (!naming.prefix.empty() || serial->Uses(TokenKind::kPrefix) ||
      charger_id->Uses(TokenKind::kPrefix)) {
    EVPROV_TRY(CheckIdentifier("prefix", naming.prefix, kMaxChargerIdLength));
  }
  if (!serial->Uses(TokenKind::kSeq)) {
    return Status::InvalidArgument("serial_pattern: '" + serial->source() +
                                   "' has no {seq:0N}, so every unit would get the same serial");
  }
  if (serial->Uses(TokenKind::kSerial)) {
    return Status::InvalidArgument("serial_pattern: '" + serial->source() +
                                   "' uses {serial}, which is what it defines");
  }
  if (!charger_id->Uses(TokenKind::kSeq) && !charger_id->Uses(TokenKind::kSerial) &&
      !charger_id->Uses(TokenKind::kHardwareId)) {
    return Status::InvalidArgument("charger_id_pattern: '" + charger_id->source() +
                                   "' has none of {seq:0N} {serial} {hardware_id}, so every unit "
                                   "would get the same charger ID");
  }
  EVPROV_TRY(CheckPatternLimits("serial_pattern", *serial, naming.prefix.size(), kMaxSerialLength));
  return CheckPatternLimits("charger_id_pattern", *charger_id, naming.prefix.size(),
                            kMaxChargerIdLength);
}

}  // namespace evprov::identity
