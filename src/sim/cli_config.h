// Building ChargerConfigs from evprov-sim's options and manifest rows.
// Internal to src/sim (the CLI).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/sim/charger.h"
#include "evprov/sim/manifest.h"

namespace evprov::sim {

// What every unit shares unless its row says otherwise.
struct UnitDefaults {
  std::string variant_file;
  std::string factory_url;
  std::string trust_file;
  std::string vendor_name;  // override the variant's
  std::string model;        // override the variant's
  std::string hardware_revision;
  std::string firmware_version;
  std::string tpm_tcti;  // non-empty: station keys in the TPM
  int boot_delay_ms = 1000;
  std::size_t report_part_bytes = kDefaultReportPartBytes;
  std::vector<std::string> faults;
};

// Loads each variant file once.
class VariantCache {
 public:
  Result<const catalog::Variant*> Get(const std::string& path);

 private:
  std::map<std::string, catalog::Variant> variants_;
};

// The config for one row; state_dir is set by the caller. Errors name the row.
Result<ChargerConfig> BuildConfig(const ManifestRow& row, const UnitDefaults& defaults,
                                  VariantCache& variants);

// A secret from the environment variable `var` (name given on the command line).
Result<std::string> SecretFromEnv(const std::string& var);
// A secret from a file (trailing newline removed).
Result<std::string> SecretFromFile(const std::string& path);

}  // namespace evprov::sim
