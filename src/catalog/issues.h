// Issues: the "path: reason" findings of one validation pass, and the small
// checks every catalog rule is built from (length, range, pattern), so each
// kind of message is written once. Private to src/catalog.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::catalog {

// Collects findings in the order they are found. Not thread-safe.
class Issues {
 public:
  // Findings beyond this many are counted, not kept.
  static constexpr std::size_t kMaxKept = 20;

  void Add(std::string_view path, std::string_view reason);
  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }

  // ok when empty; else InvalidArgument with one "<source>: <path>: <reason>"
  // line per finding (the first line is the first finding). An empty source
  // leaves the prefix out.
  Status ToStatus(std::string_view source) const;

 private:
  std::vector<std::string> kept_;
  std::size_t count_ = 0;
};

// "evses[1]" + "connectors" -> "evses[1].connectors"; "" + "name" -> "name".
std::string Join(std::string_view path, std::string_view key);
// "evses" + 1 -> "evses[1]".
std::string Index(std::string_view path, std::size_t i);

// Text quoted for a message, shortened to 60 characters: 'abc'.
std::string Quote(std::string_view text);

// Length in characters (UTF-8 code points). REQUIRES: valid UTF-8.
std::size_t CharCount(std::string_view text);
bool IsValidUtf8(std::string_view text);

// Adds "must be MIN..MAX characters (got N)" unless MIN <= length <= MAX.
bool CheckLength(Issues& issues, std::string_view path, std::string_view text, std::size_t min,
                 std::size_t max);

// Numeric bounds; exclusive bounds are written "> lo" and "< hi".
struct Range {
  double lo = 0;
  double hi = 0;
  bool lo_exclusive = false;
  bool hi_exclusive = false;
};
// Adds "must be > 0 (got -5)" / "must be <= 1000 (got 1200)" when out of range.
bool CheckRange(Issues& issues, std::string_view path, double value, Range range);

// Matches text against a simple pattern "[first-set][rest-set]{0,max_rest}",
// given as the two character sets (e.g. "a-z0-9", "a-z0-9-") and the bounds.
struct CharPattern {
  std::string_view first;  // set for the first character
  std::string_view rest;   // set for the others
  std::size_t max_length = 0;
  std::string_view describe;  // shown in the message, e.g. "[a-z0-9][a-z0-9-]{0,47}"
  std::size_t min_length = 1;
};
bool MatchesPattern(std::string_view text, const CharPattern& pattern);
// Adds "must match <describe> (got 'X')" unless text matches.
bool CheckPattern(Issues& issues, std::string_view path, std::string_view text,
                  const CharPattern& pattern);

// Adds "must be one of a, b, c (got 'X')" unless text is one of allowed.
bool CheckOneOf(Issues& issues, std::string_view path, std::string_view text,
                const std::vector<std::string_view>& allowed);

// The slug of variant and environment names: [a-z0-9][a-z0-9-]{0,47}.
inline constexpr CharPattern kSlug{"a-z0-9", "a-z0-9-", 48, "[a-z0-9][a-z0-9-]{0,47}"};
// Keys of features and field parameters: [a-z][a-z0-9_]{0,47}.
inline constexpr CharPattern kKey{"a-z", "a-z0-9_", 48, "[a-z][a-z0-9_]{0,47}"};

}  // namespace evprov::catalog
