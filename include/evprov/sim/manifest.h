// The fleet manifest (evprov-sim fleet --manifest FILE): one row per unit,
// CSV (RFC 4180, common/csv.h: a header line naming the columns, then one
// record per unit; quoted fields may hold ',', quotes and line breaks; blank
// lines and '#' comment lines are skipped; unquoted cells are trimmed) or JSON
// (an array of objects, or {"units": [...]}).
// Format reference: docs/sim.md.
//
// Columns: hardware_id (required); exactly one of bootstrap_secret or
// idevid_cert + idevid_key (paths); optional hardware_revision, serial,
// firmware_version, iccid, imsi, variant (a catalog variant file), faults
// (';'-separated fault flags, see faults.h). Unknown columns are refused.
//
// Errors name the source, the row (1-based, the header not counted) and the
// column, or for malformed CSV the line and column of the text; they never
// quote a bootstrap secret.
// Thread-safety: values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::sim {

struct ManifestRow {
  int row = 0;  // 1-based
  std::string hardware_id;
  std::string bootstrap_secret;  // secret
  std::string idevid_cert;
  std::string idevid_key;
  std::string hardware_revision;
  std::string serial;
  std::string firmware_version;
  std::string iccid;
  std::string imsi;
  std::string variant;
  std::vector<std::string> faults;
};

// Parses text; format from the content (JSON when it starts with '[' or '{').
Result<std::vector<ManifestRow>> ParseManifest(std::string_view text, std::string_view source);
Result<std::vector<ManifestRow>> LoadManifest(const std::string& path);

}  // namespace evprov::sim
