#include "ocpp/json_text.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "evprov/ocpp/payload_text.h"

namespace evprov::ocpp::internal {
namespace {

using nlohmann::json;

bool IsContinuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t Utf8Sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < n || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (!IsContinuation(p[i])) return 0;
  }
  return n;
}

bool IsSurrogateEscapeDigit(unsigned char c) {
  return (c >= '8' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Whether RapidJSON reads `text` exactly as nlohmann does: well-formed UTF-8,
// no NUL byte (RapidJSON's streams end there) and no escaped UTF-16 surrogate
// (backslash-u D800 to DFFF; RapidJSON lets a lone one through). The rest goes to nlohmann.
bool ForTheFastReader(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Eight plain ASCII bytes at a time: no high bit, no NUL, no backslash.
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
    constexpr std::uint64_t kBackslashes = kOnes * '\\';
    while (end - p >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, sizeof word);
      const std::uint64_t escaped = word ^ kBackslashes;
      const std::uint64_t special =
          word | ((word - kOnes) & ~word) | ((escaped - kOnes) & ~escaped);
      if ((special & kHighs) != 0) break;
      p += 8;
    }
    if (p == end) break;
    const unsigned char c = *p;
    if (c >= 0x80) {
      const std::size_t n = Utf8Sequence(p, end);
      if (n == 0) return false;
      p += n;
      continue;
    }
    if (c == 0) return false;
    if (c == '\\' && end - p >= 4 && p[1] == 'u' && (p[2] == 'd' || p[2] == 'D') &&
        IsSurrogateEscapeDigit(p[3])) {
      return false;
    }
    ++p;
  }
  return true;
}

// RapidJSON's events → an nlohmann tree, as nlohmann's own DOM parser builds it.
class TreeBuilder {
 public:
  bool Null() { return Put(json(nullptr)); }
  bool Bool(bool b) { return Put(json(b)); }
  // nlohmann keeps integers written with a minus signed ("-0" too) and the
  // others unsigned; RapidJSON reports the former through Int/Int64 only.
  bool Int(int i) { return Put(json(std::int64_t{i})); }
  bool Uint(unsigned u) { return Put(json(std::uint64_t{u})); }
  bool Int64(std::int64_t i) { return Put(json(i)); }
  bool Uint64(std::uint64_t u) { return Put(json(u)); }
  bool Double(double d) { return Put(json(d)); }
  bool RawNumber(const char* /*text*/, rapidjson::SizeType /*length*/, bool /*copy*/) {
    return false;  // not requested
  }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    return Put(json(std::string(text, length)));
  }
  bool StartObject() { return Open(json::object()); }
  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    key_.assign(text, length);
    return true;
  }
  bool EndObject(rapidjson::SizeType /*members*/) { return Close(); }
  bool StartArray() { return Open(json::array()); }
  bool EndArray(rapidjson::SizeType /*elements*/) { return Close(); }

  json Take() { return std::move(root_); }

 private:
  // Places a value where the text has it; returns where it now lives.
  json* Place(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    // Keys mostly come sorted (nlohmann writes them so): hint the end. A
    // repeated key keeps its place and takes the last value.
    auto& members = parent.get_ref<json::object_t&>();
    auto slot = members.emplace_hint(members.end(), key_, nullptr);
    slot->second = std::move(value);
    return &slot->second;
  }
  bool Put(json value) {
    Place(std::move(value));
    return true;
  }
  bool Open(json container) {
    stack_.push_back(Place(std::move(container)));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  json root_;
  std::vector<json*> stack_;
  std::string key_;
};

// Written as is inside a string: printable ASCII other than the quote and
// the backslash, and DEL (dump writes it unescaped too).
bool IsPlain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// One byte that must be escaped, as dump writes it: the short escapes, other
// control bytes as \u00xx.
void AppendEscape(std::string& out, char ch) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (ch) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += kHex[(ch >> 4) & 0xf];
      out += kHex[ch & 0xf];
  }
}

// Runs of plain bytes between escapes are appended whole (a PEM is long
// runs between line breaks). Text with bytes above ASCII is left to dump,
// which replaces invalid UTF-8.
void AppendString(std::string& out, std::string_view s) {
  const std::size_t mark = out.size();
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (IsPlain(c)) continue;
    if (c >= 0x80) {
      out.resize(mark);
      out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
      return;
    }
    out.append(s, run, i - run);
    AppendEscape(out, s[i]);
    run = i + 1;
  }
  out.append(s, run);
  out += '"';
}

template <typename Integer>
void AppendInteger(std::string& out, Integer v) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, end);
}

}  // namespace

void AppendJsonText(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        AppendString(out, key);
        out += ':';
        AppendJsonText(out, member);
      }
      out += '}';
      return;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        AppendJsonText(out, element);
      }
      out += ']';
      return;
    }
    case json::value_t::string:
      AppendString(out, value.get_ref<const std::string&>());
      return;
    case json::value_t::number_integer:
      AppendInteger(out, value.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      AppendInteger(out, value.get<std::uint64_t>());
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::number_float:
    case json::value_t::binary:
    case json::value_t::discarded:
      out += value.dump(-1, ' ', false, json::error_handler_t::replace);
      return;
  }
}

json ParseJsonText(std::string_view text) {
  if (ForTheFastReader(text)) {
    rapidjson::MemoryStream in(text.data(), text.size());
    TreeBuilder builder;
    rapidjson::Reader reader;
    constexpr unsigned kFlags = rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;
    if (!reader.Parse<kFlags>(in, builder).IsError()) return builder.Take();
  }
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace evprov::ocpp::internal

namespace evprov::ocpp {

void AppendJsonString(std::string& out, std::string_view s) {
  internal::AppendString(out, s);
}

std::string JsonText(const nlohmann::json& value) {
  std::string out;
  internal::AppendJsonText(out, value);
  return out;
}

}  // namespace evprov::ocpp
