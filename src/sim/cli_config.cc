#include "sim/cli_config.h"

#include <cstdlib>

#include "evprov/catalog/loader.h"
#include "evprov/sim/faults.h"
#include "sim/state_file.h"

namespace evprov::sim {

Result<const catalog::Variant*> VariantCache::Get(const std::string& path) {
  auto it = variants_.find(path);
  if (it == variants_.end()) {
    auto variant = catalog::LoadVariantFile(path);
    if (!variant.ok()) {
      return Status::InvalidArgument("variant '" + path + "': " + variant.status().message());
    }
    it = variants_.emplace(path, std::move(*variant)).first;
  }
  return &it->second;
}

Result<ChargerConfig> BuildConfig(const ManifestRow& row, const UnitDefaults& defaults,
                                  VariantCache& variants) {
  auto where = [&](std::string_view column) {
    return row.row > 0 ? "row " + std::to_string(row.row) + ", column '" + std::string(column) + "'"
                       : "--" + std::string(column);
  };
  std::string variant_file = row.variant.empty() ? defaults.variant_file : row.variant;
  if (variant_file.empty()) return Status::InvalidArgument(where("variant") + ": required");
  auto variant = variants.Get(variant_file);
  if (!variant.ok())
    return Status::InvalidArgument(where("variant") + ": " + variant.status().message());

  ChargerConfig c;
  c.hardware_id = row.hardware_id;
  c.vendor_name = defaults.vendor_name.empty() ? (*variant)->vendor_name : defaults.vendor_name;
  c.model = defaults.model.empty() ? (*variant)->model : defaults.model;
  c.hardware_revision =
      !row.hardware_revision.empty() ? row.hardware_revision
      : !defaults.hardware_revision.empty()
          ? defaults.hardware_revision
          : ((*variant)->hardware_revisions.empty() ? "" : (*variant)->hardware_revisions.front());
  c.firmware_version = !row.firmware_version.empty()           ? row.firmware_version
                       : !defaults.firmware_version.empty()    ? defaults.firmware_version
                       : !(*variant)->firmware.version.empty() ? (*variant)->firmware.version
                                                               : "1.0.0";
  c.serial = row.serial;
  c.iccid = row.iccid;
  c.imsi = row.imsi;
  c.layout = (*variant)->evses;
  c.factory_endpoint = defaults.factory_url;
  c.factory_trust_file = defaults.trust_file;
  c.bootstrap_secret = row.bootstrap_secret;
  c.idevid_cert_file = row.idevid_cert;
  c.idevid_key_file = row.idevid_key;
  if (!defaults.tpm_tcti.empty()) {
    c.key_storage = KeyStorage::kTpm;
    c.tpm_tcti = defaults.tpm_tcti;
  }
  c.boot_delay = std::chrono::milliseconds(defaults.boot_delay_ms);
  c.report_part_bytes = defaults.report_part_bytes;
  std::vector<std::string> faults = defaults.faults;
  faults.insert(faults.end(), row.faults.begin(), row.faults.end());
  auto parsed = ParseFaults(faults);
  if (!parsed.ok())
    return Status::InvalidArgument(where("faults") + ": " + parsed.status().message());
  c.faults = *parsed;
  return c;
}

Result<std::string> SecretFromEnv(const std::string& var) {
  const char* value = std::getenv(var.c_str());
  if (value == nullptr || *value == '\0') {
    return Status::InvalidArgument("--bootstrap-secret-env: environment variable '" + var +
                                   "' is not set");
  }
  return std::string(value);
}

Result<std::string> SecretFromFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok())
    return Status::InvalidArgument("--bootstrap-secret-file '" + path + "': cannot read");
  std::string s = *text;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) return Status::InvalidArgument("--bootstrap-secret-file '" + path + "': empty");
  return s;
}

}  // namespace evprov::sim
