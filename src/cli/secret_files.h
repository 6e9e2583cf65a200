// Secret files written by the CLI (bootstrap secrets, fleet manifests, keys)
// and the station secret the credential commands need (private to src/cli).
//
// A SecretFile is created (O_EXCL, mode 0600) before the transaction that
// makes its secret, so a path that exists or cannot be written fails before
// anything changes; if the command fails afterwards, the file is removed.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "evprov/common/status.h"
#include "evprov/pki/credentials.h"

namespace evprov::cli {

class SecretFile {
 public:
  // Creates `path` new with mode 0600; kAlreadyExists if it exists.
  static Result<std::unique_ptr<SecretFile>> Create(const std::string& path);
  ~SecretFile();  // removes the file unless Finish succeeded
  SecretFile(const SecretFile&) = delete;
  SecretFile& operator=(const SecretFile&) = delete;

  // Writes the whole content, syncs and closes; the file then stays.
  Status Finish(std::string_view content);
  const std::string& path() const { return path_; }

 private:
  SecretFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
  bool finished_ = false;
};

// --station-secret: the option every command that issues or checks
// credentials takes. Default $EVPROV_STATION_SECRET, else "station.secret"
// next to the SQLite store file.
void AddStationSecretOption(CLI::App* cmd, std::string& path);
// Loads the station secret; creates it (0600) when the file does not exist
// AND the store holds no credential hash yet (a new station). A missing file
// with hashes in the store is kFailedPrecondition: a wrong path must never
// silently start a new secret.
Result<std::shared_ptr<const pki::StationSecret>> OpenStationSecret(Context& ctx,
                                                                    const std::string& path);

// Where a freshly issued bootstrap secret goes: a new 0600 file and/or stdout.
struct BootstrapDelivery {
  std::string file;            // --bootstrap-secret-file
  bool print = false;          // --print-secret
  std::string station_secret;  // --station-secret
  bool wanted() const { return !file.empty() || print; }
};
void AddBootstrapOptions(CLI::App* cmd, BootstrapDelivery& delivery);

// Opens the delivery's file (nullptr when there is none).
Result<std::unique_ptr<SecretFile>> OpenDeliveryFile(const BootstrapDelivery& delivery);
// Writes the secret to the file (if any) and, with --print-secret, into
// out["bootstrap_secret"]; otherwise out["bootstrap_secret_file"] names the file.
Status Deliver(const BootstrapDelivery& delivery, std::unique_ptr<SecretFile> file,
               const pki::SecretString& secret, nlohmann::ordered_json& out);

}  // namespace evprov::cli
