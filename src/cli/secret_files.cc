#include "cli/secret_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace evprov::cli {

Result<std::unique_ptr<SecretFile>> SecretFile::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists("'" + path + "' exists; not overwritten");
    return Status::FailedPrecondition("'" + path + "': " + std::strerror(errno));
  }
  return std::unique_ptr<SecretFile>(new SecretFile(path, fd));
}

SecretFile::~SecretFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!finished_) ::unlink(path_.c_str());
}

Status SecretFile::Finish(std::string_view content) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd_, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Internal("'" + path_ + "': cannot write: " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  bool ok = ::fsync(fd_) == 0;
  ok = ::close(fd_) == 0 && ok;
  fd_ = -1;
  if (!ok) return Status::Internal("'" + path_ + "': cannot sync");
  finished_ = true;
  return Status::Ok();
}

void AddStationSecretOption(CLI::App* cmd, std::string& path) {
  cmd->add_option("--station-secret", path,
                  "Station secret file ($EVPROV_STATION_SECRET; default: station.secret next "
                  "to the store)");
}

namespace {

std::string DefaultStationSecretPath(const Context& ctx) {
  const char* env = std::getenv("EVPROV_STATION_SECRET");
  if (env != nullptr && *env != '\0') return env;
  std::string db = ctx.store_url;
  if (db.rfind("sqlite:", 0) == 0) db = db.substr(7);
  std::filesystem::path dir = std::filesystem::path(db).parent_path();
  return (dir / "station.secret").string();
}

}  // namespace

Result<std::shared_ptr<const pki::StationSecret>> OpenStationSecret(Context& ctx,
                                                                    const std::string& path) {
  std::string p = path.empty() ? DefaultStationSecretPath(ctx) : path;
  if (!std::filesystem::exists(p)) {
    bool hashes = false;
    EVPROV_TRY(WithTx(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM unit_credentials UNION ALL "
                                                  "SELECT 1 FROM unit_bootstrap LIMIT 1"));
      hashes = !rows.empty();
      return Status::Ok();
    }));
    if (hashes) {
      return Status::FailedPrecondition("station_secret: '" + p +
                                        "' does not exist but the store holds credential "
                                        "hashes made with a station secret; give its path");
    }
    EVPROV_TRY(pki::StationSecret::Create(p));
  }
  EVPROV_ASSIGN_OR_RETURN(auto secret, pki::StationSecret::Load(p));
  return std::make_shared<const pki::StationSecret>(std::move(secret));
}

void AddBootstrapOptions(CLI::App* cmd, BootstrapDelivery& delivery) {
  cmd->add_option("--bootstrap-secret-file", delivery.file,
                  "Write the unit's one-time bootstrap secret to this new file (mode 0600)");
  cmd->add_flag("--print-secret", delivery.print,
                "Also print the bootstrap secret (it is never printed otherwise)");
  AddStationSecretOption(cmd, delivery.station_secret);
}

Result<std::unique_ptr<SecretFile>> OpenDeliveryFile(const BootstrapDelivery& delivery) {
  if (delivery.file.empty()) return std::unique_ptr<SecretFile>();
  auto file = SecretFile::Create(delivery.file);
  if (!file.ok()) return file.status().WithContext("--bootstrap-secret-file");
  return file;
}

Status Deliver(const BootstrapDelivery& delivery, std::unique_ptr<SecretFile> file,
               const pki::SecretString& secret, nlohmann::ordered_json& out) {
  if (file) {
    EVPROV_TRY(file->Finish(secret.reveal() + "\n"));
    out["bootstrap_secret_file"] = file->path();
  }
  if (delivery.print) out["bootstrap_secret"] = secret.reveal();
  return Status::Ok();
}

}  // namespace evprov::cli
