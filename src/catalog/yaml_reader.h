// MapReader: reads one YAML mapping into plain values with path tracking.
// Every type check, "required" and "unknown key" finding is reported here, in
// one wording, as "<path>: <reason>" into an Issues list; the callers only say
// which keys they want. Also reads canonical JSON (JSON is YAML).
// Private to src/catalog. Not thread-safe; lives for one read.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/issues.h"

namespace evprov::catalog {

enum class Need { kRequired, kOptional };

class MapReader {
 public:
  using Body = std::function<void(MapReader&)>;
  using ItemBody = std::function<void(MapReader&, std::size_t index)>;

  // Reads node (which must be a mapping) at path with body; afterwards every
  // key body did not ask for is reported as unknown.
  static void Read(const YAML::Node& node, std::string_view path, Issues& issues, const Body& body);

  // Scalars. A quoted scalar is a string, never a number or a boolean; a
  // plain one may be read as a string. Absent or null optional fields leave
  // out untouched.
  void Field(std::string_view key, std::string& out, Need need = Need::kRequired);
  void Field(std::string_view key, int& out, Need need = Need::kRequired);
  void Field(std::string_view key, double& out, Need need = Need::kRequired);
  void Field(std::string_view key, bool& out, Need need = Need::kRequired);
  // A list of strings.
  void Field(std::string_view key, std::vector<std::string>& out, Need need = Need::kRequired);
  // A mapping of string keys to booleans.
  void Field(std::string_view key, std::map<std::string, bool>& out, Need need = Need::kRequired);
  // Optional value: set only when the key is present and not null.
  template <typename T>
  void Field(std::string_view key, std::optional<T>& out) {
    if (!Present(key)) return;
    T value{};
    Field(key, value, Need::kRequired);
    out = std::move(value);
  }

  // A nested mapping.
  void Map(std::string_view key, Need need, const Body& body);
  // A list of mappings; body sees each with its index.
  void MapList(std::string_view key, Need need, const ItemBody& body);

  // Whether key is present with a non-null value (does not mark it read).
  bool Present(std::string_view key) const;
  const std::string& path() const { return path_; }

 private:
  MapReader(std::string path, Issues& issues) : path_(std::move(path)), issues_(issues) {}
  // The value of key, marking it as read; nullptr when absent or null (and
  // then "required" is reported if need says so).
  const YAML::Node* Take(std::string_view key, Need need);
  void ReportUnread();
  // Calls fn for each element of the list at key; false when the key is
  // absent, null or not a list (reported).
  using ItemFn = std::function<void(const YAML::Node&, std::size_t, const std::string& path)>;
  bool ForEachItem(std::string_view key, Need need, const ItemFn& fn);

  struct Entry {
    std::string key;
    YAML::Node value;
    bool read = false;
  };
  std::string path_;
  Issues& issues_;
  std::vector<Entry> entries_;
  std::vector<std::string> asked_;
};

// Parses YAML (or JSON) text; a syntax error becomes an issue naming line and
// column. Returns nullopt on error.
std::optional<YAML::Node> ParseYaml(std::string_view text, Issues& issues);

}  // namespace evprov::catalog
