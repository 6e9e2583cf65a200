#include <algorithm>
#include <iostream>

#include "cli/command.h"

namespace evprov::cli {
namespace {

std::string Cell(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

void PrintListing(const Context& ctx, const std::vector<std::string>& columns,
                  const nlohmann::ordered_json& rows) {
  if (ctx.json) {
    std::cout << rows.dump(2) << "\n";
    return;
  }
  std::vector<std::size_t> width(columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) width[c] = columns[c].size();
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      line.push_back(row.contains(columns[c]) ? Cell(row[columns[c]]) : "-");
      width[c] = std::max(width[c], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  auto print = [&](const std::vector<std::string>& line) {
    std::string out;
    for (std::size_t c = 0; c < line.size(); ++c) {
      out += line[c];
      if (c + 1 < line.size()) out += std::string(width[c] - line[c].size() + 2, ' ');
    }
    std::cout << out << "\n";
  };
  std::vector<std::string> header;
  for (const auto& c : columns) {
    std::string h = c;
    std::transform(h.begin(), h.end(), h.begin(),
                   [](unsigned char ch) { return std::toupper(ch); });
    header.push_back(h);
  }
  print(header);
  for (const auto& line : cells) print(line);
}

void PrintObject(const Context& ctx, const nlohmann::ordered_json& object) {
  if (ctx.json) {
    std::cout << object.dump(2) << "\n";
    return;
  }
  for (const auto& [key, value] : object.items()) {
    std::cout << key << ": " << (value.is_structured() ? value.dump() : Cell(value)) << "\n";
  }
}

}  // namespace evprov::cli
