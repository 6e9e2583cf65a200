// `evprov serve`'s configuration file (YAML, read strictly like the catalog:
// an unknown key, a wrong type or a value out of range is an error naming the
// file, the path and the reason). Flags given on the command line override
// the file. The format is documented in docs/operations.md.
//
// The file names where secrets are (the station secret file, the TLS key
// file); it never holds a secret itself.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::cli {

struct ValidationListenerConfig {
  std::string environment;  // an environment in the store
  int port = 0;             // 0: an ephemeral port (see ServeConfig::ports_file)
};

struct ServeConfig {
  std::string store;                // store URL; the --store flag wins
  std::string station_secret_file;  // HMAC key for passwords and bootstrap secrets
  std::string host_name;            // the name chargers are given; in the server certificate
  std::string listen_address = "127.0.0.1";
  std::string tls_chain_file;  // the station's server certificate, leaf first
  std::string tls_key_file;
  std::string tls_root_file;         // the station root: installed on chargers for validation
  std::string manufacturer_ca_file;  // IDevID trust; empty: no IDevID listener
  int factory_bootstrap_port = 0;    // TLS + Basic with a one-time bootstrap secret
  int factory_idevid_port = 0;       // mTLS with an IDevID
  std::vector<ValidationListenerConfig> validation;
  int threads = 2;
  std::string actor = "station";
  std::string ports_file;  // when set, the bound ports are written there as JSON
};

// Reads and checks a configuration file. Relative paths in it are resolved
// against the file's directory.
Result<ServeConfig> LoadServeConfigFile(const std::string& path);
Result<ServeConfig> LoadServeConfigFromString(const std::string& text, const std::string& source,
                                              const std::string& base_dir);

// Checks a configuration after flags were applied (required fields, ports).
Status CheckServeConfig(const ServeConfig& config);

}  // namespace evprov::cli
