#include "catalog/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace evprov::catalog {
namespace {

bool IsQuoted(const YAML::Node& n) {
  return n.Tag() == "!";
}

std::string Describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return (IsQuoted(n) ? "string " : "") + Quote(n.Scalar());
  }
  return "?";
}

bool ReadScalar(const YAML::Node& n, const std::string& path, Issues& issues, std::string& out) {
  if (!n.IsScalar()) {
    issues.Add(path, "must be a string (got " + Describe(n) + ")");
    return false;
  }
  if (!IsValidUtf8(n.Scalar())) {
    issues.Add(path, "must be valid UTF-8");
    return false;
  }
  out = n.Scalar();
  return true;
}

bool ReadScalar(const YAML::Node& n, const std::string& path, Issues& issues, int& out) {
  const std::string& s = n.IsScalar() ? n.Scalar() : std::string();
  long long v = 0;
  if (n.IsScalar() && !IsQuoted(n) && !s.empty()) {
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && v >= std::numeric_limits<int>::min() &&
        v <= std::numeric_limits<int>::max()) {
      out = static_cast<int>(v);
      return true;
    }
  }
  issues.Add(path, "must be an integer (got " + Describe(n) + ")");
  return false;
}

bool ReadScalar(const YAML::Node& n, const std::string& path, Issues& issues, double& out) {
  if (n.IsScalar() && !IsQuoted(n) && !n.Scalar().empty()) {
    const std::string& s = n.Scalar();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    // strtod also takes "inf", "nan" and hex floats; a catalog number is decimal.
    const bool decimal = s.find_first_not_of("0123456789+-.eE") == std::string::npos;
    if (decimal && end == s.c_str() + s.size() && std::isfinite(v)) {
      out = v;
      return true;
    }
  }
  issues.Add(path, "must be a number (got " + Describe(n) + ")");
  return false;
}

bool ReadScalar(const YAML::Node& n, const std::string& path, Issues& issues, bool& out) {
  if (n.IsScalar() && !IsQuoted(n) && (n.Scalar() == "true" || n.Scalar() == "false")) {
    out = n.Scalar() == "true";
    return true;
  }
  issues.Add(path, "must be true or false (got " + Describe(n) + ")");
  return false;
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

void MapReader::Read(const YAML::Node& node, std::string_view path, Issues& issues,
                     const Body& body) {
  const std::string where = path.empty() ? "(document)" : std::string(path);
  if (!node.IsMap()) {
    issues.Add(where, "must be a mapping (got " + Describe(node) + ")");
    return;
  }
  MapReader reader{std::string(path), issues};
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      issues.Add(where, "keys must be strings (got " + Describe(it->first) + ")");
      continue;
    }
    const std::string& key = it->first.Scalar();
    const bool seen = std::any_of(reader.entries_.begin(), reader.entries_.end(),
                                  [&](const Entry& e) { return e.key == key; });
    if (seen) {
      issues.Add(Join(path, key), "duplicate key");
      continue;
    }
    reader.entries_.push_back({key, it->second, false});
  }
  body(reader);
  reader.ReportUnread();
}

bool MapReader::Present(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return e.key == key && e.value.IsDefined() && !e.value.IsNull();
  });
}

const YAML::Node* MapReader::Take(std::string_view key, Need need) {
  asked_.emplace_back(key);
  for (Entry& e : entries_) {
    if (e.key != key) continue;
    e.read = true;
    if (e.value.IsDefined() && !e.value.IsNull()) return &e.value;
    break;
  }
  if (need == Need::kRequired) issues_.Add(Join(path_, key), "required");
  return nullptr;
}

void MapReader::ReportUnread() {
  for (const Entry& e : entries_) {
    if (e.read) continue;
    std::string reason = "unknown key";
    for (const std::string& known : asked_) {
      if (EditDistance(e.key, known) <= 2) {
        reason += " (did you mean '" + known + "'?)";
        break;
      }
    }
    issues_.Add(Join(path_, e.key), reason);
  }
}

void MapReader::Field(std::string_view key, std::string& out, Need need) {
  if (const YAML::Node* n = Take(key, need)) ReadScalar(*n, Join(path_, key), issues_, out);
}
void MapReader::Field(std::string_view key, int& out, Need need) {
  if (const YAML::Node* n = Take(key, need)) ReadScalar(*n, Join(path_, key), issues_, out);
}
void MapReader::Field(std::string_view key, double& out, Need need) {
  if (const YAML::Node* n = Take(key, need)) ReadScalar(*n, Join(path_, key), issues_, out);
}
void MapReader::Field(std::string_view key, bool& out, Need need) {
  if (const YAML::Node* n = Take(key, need)) ReadScalar(*n, Join(path_, key), issues_, out);
}

bool MapReader::ForEachItem(std::string_view key, Need need, const ItemFn& fn) {
  const YAML::Node* n = Take(key, need);
  if (n == nullptr) return false;
  const std::string path = Join(path_, key);
  if (!n->IsSequence()) {
    issues_.Add(path, "must be a list (got " + Describe(*n) + ")");
    return false;
  }
  for (std::size_t i = 0; i < n->size(); ++i) fn((*n)[i], i, Index(path, i));
  return true;
}

void MapReader::Field(std::string_view key, std::vector<std::string>& out, Need need) {
  std::vector<std::string> items;
  const bool present =
      ForEachItem(key, need, [&](const YAML::Node& n, std::size_t, const std::string& path) {
        std::string item;
        if (ReadScalar(n, path, issues_, item)) items.push_back(std::move(item));
      });
  if (present) out = std::move(items);
}

void MapReader::Field(std::string_view key, std::map<std::string, bool>& out, Need need) {
  const YAML::Node* n = Take(key, need);
  if (n == nullptr) return;
  Read(*n, Join(path_, key), issues_, [&out](MapReader& m) {
    out.clear();
    for (Entry& e : m.entries_) {
      e.read = true;
      bool value = false;
      if (ReadScalar(e.value, Join(m.path_, e.key), m.issues_, value)) out[e.key] = value;
    }
  });
}

void MapReader::Map(std::string_view key, Need need, const Body& body) {
  if (const YAML::Node* n = Take(key, need)) Read(*n, Join(path_, key), issues_, body);
}

void MapReader::MapList(std::string_view key, Need need, const ItemBody& body) {
  ForEachItem(key, need, [&](const YAML::Node& n, std::size_t i, const std::string& path) {
    Read(n, path, issues_, [&](MapReader& m) { body(m, i); });
  });
}

std::optional<YAML::Node> ParseYaml(std::string_view text, Issues& issues) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    issues.Add(
        "line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1),
        "not valid YAML: " + e.msg);
    return std::nullopt;
  }
}

}  // namespace evprov::catalog
