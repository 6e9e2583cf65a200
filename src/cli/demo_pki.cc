#include "cli/demo_pki.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "evprov/common/hex.h"

namespace evprov::cli {
namespace {

constexpr char kTokenLabel[] = "evprov-demo";
constexpr char kSoftHsmModule[] = "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so";

std::string RandomHex(int bytes) {
  std::string raw(static_cast<std::size_t>(bytes), '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes);
  return HexEncode(raw);
}

// Runs a tool quietly. The PIN is read from its file by the shell, so it is
// not in our own argv (the tool's argv is its business).
Status RunTool(const std::string& what, const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
    return Status::Unavailable("demo pki: " + what + " failed (is softhsm2/opensc installed?)");
  }
  return Status::Ok();
}

// A new file (0600) holding a random secret.
Status WriteSecretFile(const std::string& path, int bytes) {
  std::ofstream f(path);
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  f << RandomHex(bytes);
  if (!f.flush()) return Status::Unavailable("demo pki: cannot write " + path);
  return Status::Ok();
}

pki::KeySpec FileKey(const std::string& dir, const std::string& name, const std::string& pass) {
  pki::KeySpec spec;
  spec.backend = pki::KeyBackend::kFile;
  spec.path = dir + "/" + name + ".key.pem";
  spec.secret = {pki::SecretSource::Kind::kFile, pass};
  return spec;
}

pki::KeySpec TokenKey(const std::string& object, const std::string& pin) {
  pki::KeySpec spec;
  spec.backend = pki::KeyBackend::kPkcs11;
  spec.token_label = kTokenLabel;
  spec.object_label = object;
  spec.module_path = kSoftHsmModule;
  spec.secret = {pki::SecretSource::Kind::kFile, pin};
  return spec;
}

}  // namespace

Result<DemoKeys> PrepareDemoKeys(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string keys = dir + "/keys";
  const std::string tokens = dir + "/softhsm/tokens";
  std::error_code ec;
  fs::create_directories(keys, ec);
  if (!ec) fs::create_directories(tokens, ec);
  if (ec) return Status::Unavailable("demo pki: cannot create " + dir + ": " + ec.message());
  const std::string conf = dir + "/softhsm/softhsm2.conf";
  {
    std::ofstream f(conf);
    f << "directories.tokendir = " << tokens << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    if (!f.flush()) return Status::Unavailable("demo pki: cannot write " + conf);
  }
  setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  DemoKeys out;
  out.softhsm_conf = conf;
  out.file_secret = keys + "/ca.pass";
  out.hsm_pin = dir + "/softhsm/user.pin";
  const std::string so_pin = dir + "/softhsm/so.pin";
  EVPROV_TRY(WriteSecretFile(out.file_secret, 16));
  EVPROV_TRY(WriteSecretFile(out.hsm_pin, 8));
  EVPROV_TRY(WriteSecretFile(so_pin, 8));
  EVPROV_TRY(RunTool("softhsm2-util --init-token",
                     std::string("softhsm2-util --init-token --free --label ") + kTokenLabel +
                         " --so-pin \"$(cat '" + so_pin + "')\" --pin \"$(cat '" + out.hsm_pin +
                         "')\""));
  // File keys are created by pki::InitCa; token keys only by the token's tools.
  out.staging_root = FileKey(keys, "staging-root", out.file_secret);
  out.staging_issuing = FileKey(keys, "staging-issuing", out.file_secret);
  out.production_root = TokenKey("production-root", out.hsm_pin);
  out.production_issuing = TokenKey("production-issuing", out.hsm_pin);
  int id = 0;
  for (const auto* spec : {&out.production_root, &out.production_issuing}) {
    EVPROV_TRY(RunTool("pkcs11-tool --keypairgen",
                       std::string("pkcs11-tool --module ") + kSoftHsmModule + " --token-label " +
                           kTokenLabel + " --login --pin \"$(cat '" + out.hsm_pin +
                           "')\" --keypairgen --key-type EC:prime256v1 --id " +
                           std::to_string(++id) + " --label " + spec->object_label));
  }
  return out;
}

}  // namespace evprov::cli
