#include "catalog/issues.h"

#include <charconv>

namespace evprov::catalog {
namespace {

// Shortest text that reads back as the same double: -5, 0.5, 1200.
std::string FormatNumber(double v) {
  constexpr double kExact = 1e15;  // integers below this print as integers
  if (v == static_cast<double>(static_cast<long long>(v)) && v < kExact && v > -kExact) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "?";
  return {buf, end};
}

// Is c in a set written as ranges and single characters: "a-z0-9-"?
bool InSet(char c, std::string_view set) {
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (i + 2 < set.size() && set[i + 1] == '-') {
      if (c >= set[i] && c <= set[i + 2]) return true;
      i += 2;
    } else if (c == set[i]) {
      return true;
    }
  }
  return false;
}

}  // namespace

void Issues::Add(std::string_view path, std::string_view reason) {
  ++count_;
  if (kept_.size() >= kMaxKept) return;
  std::string line(path);
  if (!line.empty()) line += ": ";
  line += reason;
  kept_.push_back(std::move(line));
}

Status Issues::ToStatus(std::string_view source) const {
  if (empty()) return Status::Ok();
  std::string msg;
  for (const std::string& line : kept_) {
    if (!msg.empty()) msg += '\n';
    if (!source.empty()) {
      msg += source;
      msg += ": ";
    }
    msg += line;
  }
  if (count_ > kept_.size()) {
    msg += "\n(" + std::to_string(count_ - kept_.size()) + " more findings)";
  }
  return Status::InvalidArgument(std::move(msg));
}

std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string Index(std::string_view path, std::size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "'";
  if (text.size() <= kMax) {
    out += text;
  } else {
    std::size_t cut = kMax;
    // Do not split a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    out += text.substr(0, cut);
    out += "...";
  }
  out += "'";
  return out;
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::size_t CharCount(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool CheckLength(Issues& issues, std::string_view path, std::string_view text, std::size_t min,
                 std::size_t max) {
  const std::size_t n = CharCount(text);
  if (n >= min && n <= max) return true;
  if (n == 0) {
    issues.Add(path, "must not be empty");
  } else {
    issues.Add(path, "must be " + std::to_string(min) + ".." + std::to_string(max) +
                         " characters (got " + std::to_string(n) + ")");
  }
  return false;
}

bool CheckRange(Issues& issues, std::string_view path, double value, Range range) {
  const bool low = range.lo_exclusive ? !(value > range.lo) : !(value >= range.lo);
  if (low) {
    issues.Add(path, std::string("must be ") + (range.lo_exclusive ? "> " : ">= ") +
                         FormatNumber(range.lo) + " (got " + FormatNumber(value) + ")");
    return false;
  }
  const bool high = range.hi_exclusive ? !(value < range.hi) : !(value <= range.hi);
  if (high) {
    issues.Add(path, std::string("must be ") + (range.hi_exclusive ? "< " : "<= ") +
                         FormatNumber(range.hi) + " (got " + FormatNumber(value) + ")");
    return false;
  }
  return true;
}

bool MatchesPattern(std::string_view text, const CharPattern& pattern) {
  if (text.empty() || text.size() < pattern.min_length || text.size() > pattern.max_length) {
    return false;
  }
  if (!InSet(text[0], pattern.first)) return false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (!InSet(text[i], pattern.rest)) return false;
  }
  return true;
}

bool CheckPattern(Issues& issues, std::string_view path, std::string_view text,
                  const CharPattern& pattern) {
  if (MatchesPattern(text, pattern)) return true;
  issues.Add(path, "must match " + std::string(pattern.describe) + " (got " + Quote(text) + ")");
  return false;
}

bool CheckOneOf(Issues& issues, std::string_view path, std::string_view text,
                const std::vector<std::string_view>& allowed) {
  for (std::string_view a : allowed) {
    if (a == text) return true;
  }
  std::string list;
  for (std::string_view a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  issues.Add(path, "must be one of " + list + " (got " + Quote(text) + ")");
  return false;
}

}  // namespace evprov::catalog
