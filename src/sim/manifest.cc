#include "evprov/sim/manifest.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "evprov/common/csv.h"
#include "sim/state_file.h"

namespace evprov::sim {
namespace {

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> kColumns = {
      "hardware_id", "bootstrap_secret", "idevid_cert", "idevid_key", "hardware_revision",
      "serial",      "firmware_version", "iccid",       "imsi",       "variant",
      "faults"};
  return kColumns;
}

std::string Where(std::string_view source, int row, std::string_view column) {
  return std::string(source) + " row " + std::to_string(row) + ", column '" + std::string(column) +
         "'";
}

std::string Trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(Trim(s.substr(start, pos == std::string_view::npos ? pos : pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

Status Assign(ManifestRow& r, const std::string& column, const std::string& value,
              std::string_view source) {
  if (column == "hardware_id") {
    r.hardware_id = value;
  } else if (column == "bootstrap_secret") {
    r.bootstrap_secret = value;
  } else if (column == "idevid_cert") {
    r.idevid_cert = value;
  } else if (column == "idevid_key") {
    r.idevid_key = value;
  } else if (column == "hardware_revision") {
    r.hardware_revision = value;
  } else if (column == "serial") {
    r.serial = value;
  } else if (column == "firmware_version") {
    r.firmware_version = value;
  } else if (column == "iccid") {
    r.iccid = value;
  } else if (column == "imsi") {
    r.imsi = value;
  } else if (column == "variant") {
    r.variant = value;
  } else if (column == "faults") {
    if (!value.empty()) r.faults = Split(value, ';');
  } else {
    return Status::InvalidArgument(Where(source, r.row, column) + ": unknown column");
  }
  return Status::Ok();
}

Status CheckRow(const ManifestRow& r, std::string_view source, std::set<std::string>& seen) {
  if (r.hardware_id.empty()) {
    return Status::InvalidArgument(Where(source, r.row, "hardware_id") + ": empty");
  }
  if (!seen.insert(r.hardware_id).second) {
    return Status::InvalidArgument(Where(source, r.row, "hardware_id") + ": '" + r.hardware_id +
                                   "' appears twice");
  }
  bool idevid = !r.idevid_cert.empty() || !r.idevid_key.empty();
  if (idevid && (r.idevid_cert.empty() || r.idevid_key.empty())) {
    return Status::InvalidArgument(
        Where(source, r.row, r.idevid_cert.empty() ? "idevid_cert" : "idevid_key") +
        ": needed with the other IDevID column");
  }
  if (idevid == !r.bootstrap_secret.empty()) {
    return Status::InvalidArgument(Where(source, r.row, "bootstrap_secret") +
                                   ": give a bootstrap_secret or idevid_cert + idevid_key "
                                   "(exactly one)");
  }
  for (const auto& f : r.faults) {
    if (f.empty()) return Status::InvalidArgument(Where(source, r.row, "faults") + ": empty item");
  }
  return Status::Ok();
}

Result<std::vector<ManifestRow>> ParseCsv(std::string_view text, std::string_view source) {
  auto records =
      csv::Parse(text, {.skip_blank_lines = true, .comment = '#', .trim_unquoted = true});
  if (!records.ok()) return records.status().WithContext(source);
  if (records->empty()) return Status::InvalidArgument(std::string(source) + ": no header line");
  const std::vector<std::string>& header = records->front().fields;
  for (const auto& h : header) {
    if (std::find(Columns().begin(), Columns().end(), h) == Columns().end()) {
      return Status::InvalidArgument(std::string(source) + " header, column '" + h +
                                     "': unknown column");
    }
  }
  std::vector<ManifestRow> rows;
  for (std::size_t k = 1; k < records->size(); ++k) {
    const std::vector<std::string>& cells = (*records)[k].fields;
    ManifestRow r;
    r.row = static_cast<int>(k);
    if (cells.size() != header.size()) {
      return Status::InvalidArgument(std::string(source) + " row " + std::to_string(r.row) +
                                     " (line " + std::to_string((*records)[k].line) +
                                     "): " + std::to_string(cells.size()) +
                                     " cells, the header has " + std::to_string(header.size()));
    }
    for (std::size_t i = 0; i < cells.size(); ++i)
      EVPROV_TRY(Assign(r, header[i], cells[i], source));
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<std::vector<ManifestRow>> ParseJson(std::string_view text, std::string_view source) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(std::string(source) + ": not valid JSON");
  if (doc.is_object() && doc.contains("units")) doc = doc["units"];
  if (!doc.is_array()) {
    return Status::InvalidArgument(std::string(source) + ": expected an array of units");
  }
  std::vector<ManifestRow> rows;
  for (const auto& item : doc) {
    ManifestRow r;
    r.row = static_cast<int>(rows.size()) + 1;
    if (!item.is_object()) {
      return Status::InvalidArgument(std::string(source) + " row " + std::to_string(r.row) +
                                     ": not an object");
    }
    for (const auto& [column, value] : item.items()) {
      std::string text_value;
      if (column == "faults" && value.is_array()) {
        for (const auto& f : value) {
          if (!f.is_string()) {
            return Status::InvalidArgument(Where(source, r.row, column) + ": not a string");
          }
          r.faults.push_back(f.get<std::string>());
        }
        continue;
      }
      if (!value.is_string()) {
        return Status::InvalidArgument(Where(source, r.row, column) + ": not a string");
      }
      EVPROV_TRY(Assign(r, column, value.get<std::string>(), source));
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace

Result<std::vector<ManifestRow>> ParseManifest(std::string_view text, std::string_view source) {
  auto first = text.find_first_not_of(" \t\r\n");
  bool json = first != std::string_view::npos && (text[first] == '[' || text[first] == '{');
  EVPROV_ASSIGN_OR_RETURN(auto rows, json ? ParseJson(text, source) : ParseCsv(text, source));
  if (rows.empty()) return Status::InvalidArgument(std::string(source) + ": no units");
  std::set<std::string> seen;
  for (const auto& r : rows) EVPROV_TRY(CheckRow(r, source, seen));
  return rows;
}

Result<std::vector<ManifestRow>> LoadManifest(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return Status::InvalidArgument("--manifest '" + path + "': cannot read");
  return ParseManifest(*text, path);
}

}  // namespace evprov::sim
