#include <algorithm>
#include <iostream>

#include "cli/command.h"

namespace evprov::cli {
namespace {

std::string Cell(const nlohmann::ordered_json& v);

// An object inside a cell: "key=value" pairs, space-separated.
std::string Pairs(const nlohmann::ordered_json& object) {
  std::string out;
  for (const auto& [key, value] : object.items()) {
    if (!out.empty()) out += ' ';
    out += key + "=" + Cell(value);
  }
  return out;
}

std::string Cell(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) return v.empty() ? "-" : Pairs(v);
  return v.dump();
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return s;
}

// Rows as an aligned table under upper-case column names, each line
// prefixed with `indent`; the last column is not padded.
void PrintTable(const std::vector<std::string>& columns, const nlohmann::ordered_json& rows,
                const std::string& indent) {
  std::vector<std::vector<std::string>> lines;
  lines.reserve(rows.size() + 1);
  std::vector<std::string> header;
  header.reserve(columns.size());
  for (const auto& c : columns) header.push_back(Upper(c));
  lines.push_back(std::move(header));
  for (const auto& row : rows) {
    std::vector<std::string> line;
    line.reserve(columns.size());
    for (const auto& c : columns) line.push_back(row.contains(c) ? Cell(row[c]) : "-");
    lines.push_back(std::move(line));
  }
  std::vector<std::size_t> width(columns.size(), 0);
  for (const auto& line : lines) {
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  }
  for (const auto& line : lines) {
    std::string out = indent;
    for (std::size_t c = 0; c < line.size(); ++c) {
      out += line[c];
      if (c + 1 < line.size()) out += std::string(width[c] - line[c].size() + 2, ' ');
    }
    std::cout << out << "\n";
  }
}

// The keys of all rows, in the order they first appear.
std::vector<std::string> ColumnsOf(const nlohmann::ordered_json& rows) {
  std::vector<std::string> columns;
  for (const auto& row : rows) {
    for (const auto& [key, value] : row.items()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  return columns;
}

bool IsTableOfObjects(const nlohmann::ordered_json& v) {
  return v.is_array() && !v.empty() &&
         std::all_of(v.begin(), v.end(), [](const auto& row) { return row.is_object(); });
}

}  // namespace

void PrintListing(const Context& ctx, const std::vector<std::string>& columns,
                  const nlohmann::ordered_json& rows) {
  if (ctx.json) {
    std::cout << rows.dump(2) << "\n";
    return;
  }
  PrintTable(columns, rows, "");
}

void PrintObject(const Context& ctx, const nlohmann::ordered_json& object) {
  if (ctx.json) {
    std::cout << object.dump(2) << "\n";
    return;
  }
  for (const auto& [key, value] : object.items()) {
    if (IsTableOfObjects(value)) {
      std::cout << key << ":\n";
      PrintTable(ColumnsOf(value), value, "  ");
    } else if (value.is_object() && !value.empty()) {
      std::cout << key << ":\n";
      for (const auto& [k, v] : value.items()) std::cout << "  " << k << ": " << Cell(v) << "\n";
    } else if (value.is_array() && value.empty()) {
      std::cout << key << ": -\n";
    } else {
      std::cout << key << ": " << Cell(value) << "\n";
    }
  }
}

}  // namespace evprov::cli
