// Naming conventions: the patterns that turn a variant's prefix, a date and a
// sequence number into a charger serial or a charger ID (the OCPP identity).
//
//   auto p = ParseNamingPattern("{prefix}-{yy}{ww}-{seq:06}");   // parse once
//   Render(*p, {.prefix = "EVB", .date = 2026y/6/22, .seq = 17})  // "EVB-2626-000017"
//
// Tokens: {prefix} {yy} {yyyy} {ww} (ISO 8601 week, 01..53) {mm} {seq:0N}
// (zero-padded to N digits, N = 1..18, and never more than N digits) {serial}
// {hardware_id}. Everything outside braces is literal and limited to the
// characters that are safe in a URL path segment and a certificate CN:
// [A-Za-z0-9._-]. In a pattern that has {ww}, {yy}/{yyyy} are the ISO
// week-based year (2027-01-01 renders as week 53 of 2026: "2653"); without
// {ww} they are the calendar year. {ww} and {mm} cannot be combined.
//
// The sequence key of a pattern is the pattern rendered with everything but
// {seq} (which renders as nothing): "{prefix}-{yy}{ww}-{seq:06}" has the key
// "EVB-2626-", so its numbering restarts at 1 every ISO week. Format and rules:
// docs/identity.md.
//
// Thread-safety: NamingPattern is an immutable value; every function here is
// pure and may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"

namespace evprov::identity {

// OCPP limits on the rendered values (OCPP 2.0.1: the identity is part of the
// connection URL, at most 48 characters and no ':'; serialNumber <= 25).
inline constexpr std::size_t kMaxChargerIdLength = 48;
inline constexpr std::size_t kMaxSerialLength = 25;
// Longest hardware ID a unit may have (it is the factory OCPP identity).
inline constexpr std::size_t kMaxHardwareIdLength = kMaxChargerIdLength;

enum class TokenKind {
  kLiteral,     // text copied as is
  kPrefix,      // {prefix}: the naming convention's prefix
  kYear2,       // {yy}
  kYear4,       // {yyyy}
  kIsoWeek,     // {ww}: ISO 8601 week number, two digits
  kMonth,       // {mm}: two digits
  kSeq,         // {seq:0N}
  kSerial,      // {serial}: the unit's serial number
  kHardwareId,  // {hardware_id}: the unit's hardware ID
};

// "literal", "prefix", "yy", "yyyy", "ww", "mm", "seq", "serial", "hardware_id".
std::string_view TokenKindName(TokenKind kind);

struct NamingToken {
  TokenKind kind = TokenKind::kLiteral;
  std::string literal;       // kLiteral only
  int width = 0;             // kSeq only: digits (zero-padded, also the maximum)
  std::size_t position = 0;  // 0-based offset of the token in the pattern
};

// A parsed pattern. Build it with ParseNamingPattern.
class NamingPattern {
 public:
  const std::string& source() const { return source_; }
  const std::vector<NamingToken>& tokens() const { return tokens_; }
  bool Uses(TokenKind kind) const;
  // Width of {seq}, or 0 when the pattern has none.
  int seq_width() const;
  // The largest sequence number the pattern can render (10^width - 1), or 0.
  std::int64_t MaxSeq() const;

 private:
  friend Result<NamingPattern> ParseNamingPattern(std::string_view pattern);
  std::string source_;
  std::vector<NamingToken> tokens_;
};

// Parses a pattern. Errors name the token and its 0-based position
// ("unknown token '{week}' at position 4").
Result<NamingPattern> ParseNamingPattern(std::string_view pattern);

// What a pattern is rendered from. Only the fields the pattern uses matter.
struct NamingContext {
  std::string prefix;
  std::chrono::sys_days date{};  // the UTC day of the allocation
  std::int64_t seq = 0;          // {seq}; 1..MaxSeq()
  std::string serial;            // {serial}
  std::string hardware_id;       // {hardware_id}
};

// Renders the pattern. Fails (naming the token) when a value the pattern uses is
// empty, or the sequence number is out of 1..MaxSeq(). The result is not
// checked against the OCPP limits: see CheckSerial / CheckChargerId.
Result<std::string> Render(const NamingPattern& pattern, const NamingContext& context);

// The pattern rendered with everything but {seq}; context.seq is ignored.
Result<std::string> SequenceKey(const NamingPattern& pattern, const NamingContext& context);

// The longest string the pattern can render with a prefix of prefix_len
// characters ({serial} counts kMaxSerialLength, {hardware_id}
// kMaxHardwareIdLength, {seq:0N} N).
std::size_t MaxRenderedLength(const NamingPattern& pattern, std::size_t prefix_len);

// Checks an identifier: 1..max_len characters of [A-Za-z0-9._-]. The message
// starts with `field` ("serial: 'A B' has ' ' at position 1; allowed: ...").
Status CheckIdentifier(std::string_view field, std::string_view value, std::size_t max_len);
inline Status CheckSerial(std::string_view value) {
  return CheckIdentifier("serial", value, kMaxSerialLength);
}
inline Status CheckChargerId(std::string_view value) {
  return CheckIdentifier("charger_id", value, kMaxChargerIdLength);
}

// Checks a variant's naming convention against the OCPP limits: both patterns
// parse; the prefix is [A-Za-z0-9._-] (and not empty when a pattern uses it);
// serial_pattern has {seq}, no {serial}, and renders at most kMaxSerialLength
// characters; charger_id_pattern has {seq}, {serial} or {hardware_id} and
// renders at most kMaxChargerIdLength characters. The message starts with the
// field name: "serial_pattern: ...", "charger_id_pattern: ...", "prefix: ...".
Status ValidateNamingConvention(const catalog::NamingConvention& naming);

}  // namespace evprov::identity
