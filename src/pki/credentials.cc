// Per-unit BasicAuthPasswords: generation, keyed hashes, verification, sealing.
#include "evprov/pki/credentials.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "evprov/audit/audit.h"
#include "evprov/common/hex.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "pki/ossl.h"

namespace evprov::pki {
namespace {

constexpr std::size_t kStationSecretBytes = 32;

}  // namespace

SecretString::~SecretString() {
  OPENSSL_cleanse(value_.data(), value_.size());
}
SecretString::SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) {
  other.value_.clear();
}
SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    OPENSSL_cleanse(value_.data(), value_.size());
    value_ = std::move(other.value_);
    other.value_.clear();
  }
  return *this;
}

Result<SecretString> GeneratePassword(int length) {
  if (length < kMinPasswordLength || length > kMaxPasswordLength) {
    return Status::InvalidArgument("password.length: " + std::to_string(length) +
                                   " is outside 16..40");
  }
  const std::size_t n = kOcppPasswordCharset.size();
  const unsigned limit = 256 - (256 % n);  // rejection sampling: no modulo bias
  std::string out;
  out.reserve(static_cast<std::size_t>(length));
  unsigned char buf[64];
  for (int round = 0; round < 16 && out.size() < static_cast<std::size_t>(length); ++round) {
    if (RAND_priv_bytes(buf, sizeof buf) != 1) {
      return ossl::Error(StatusCode::kInternal, "password", "the CSPRNG failed");
    }
    for (unsigned char b : buf) {
      if (b < limit && out.size() < static_cast<std::size_t>(length)) {
        out += kOcppPasswordCharset[b % n];
      }
    }
  }
  OPENSSL_cleanse(buf, sizeof buf);
  if (out.size() != static_cast<std::size_t>(length)) {
    return Status::Internal("password: the CSPRNG gave too few usable bytes");
  }
  return SecretString(std::move(out));
}

bool IsValidPassword(std::string_view password) {
  return password.size() >= kMinPasswordLength && password.size() <= kMaxPasswordLength &&
         password.find_first_not_of(kOcppPasswordCharset) == std::string_view::npos;
}

Status StationSecret::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists("station_secret: '" + path + "' exists");
    return Status::FailedPrecondition("station_secret: '" + path + "': " + std::strerror(errno));
  }
  unsigned char key[kStationSecretBytes];
  bool ok = RAND_priv_bytes(key, sizeof key) == 1 &&
            ::write(fd, key, sizeof key) == static_cast<ssize_t>(sizeof key) && ::fsync(fd) == 0;
  OPENSSL_cleanse(key, sizeof key);
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Status::Internal("station_secret: '" + path + "': cannot write");
  }
  log::Info("pki.station_secret.created", {{"path", path}});
  return Status::Ok();
}

Result<StationSecret> StationSecret::Load(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("station_secret: '" + path + "': " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::FailedPrecondition("station_secret: '" + path +
                                      "' is readable by group or others (want 0600)");
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() != kStationSecretBytes) {
    OPENSSL_cleanse(key.data(), key.size());
    return Status::FailedPrecondition("station_secret: '" + path + "' is not 32 bytes");
  }
  return StationSecret(std::move(key));
}

std::string StationSecret::KeyedHash(std::string_view text) const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string& key = key_.reveal();
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), md, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

Result<SecretString> IssueUnitPassword(store::Transaction& tx, const StationSecret& secret,
                                       std::int64_t unit_id, const PasswordOptions& options,
                                       std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(SecretString password, GeneratePassword(options.length));
  std::string now = NowUtc();
  // UNIQUE(keyed_hash) makes two units with one password impossible.
  EVPROV_TRY(
      tx.Exec("INSERT INTO unit_credentials (unit_id, kind, keyed_hash, created_by, "
              "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_id, kind) DO UPDATE "
              "SET keyed_hash = excluded.keyed_hash, created_by = excluded.created_by, "
              "created_at = excluded.created_at",
              {unit_id, options.kind, secret.KeyedHash(password.reveal()), std::string(actor), now})
          .status()
          .WithContext("unit_credentials"));
  nlohmann::json detail = {{"kind", options.kind}, {"length", options.length}};
  EVPROV_TRY(audit::Append(tx, actor, "credential.issue", "unit/" + std::to_string(unit_id),
                           detail.dump()));
  log::Info("pki.credential.issued",
            {{"unit_id", unit_id}, {"kind", options.kind}, {"length", options.length}});
  return password;
}

Status VerifyUnitPassword(store::Transaction& tx, const StationSecret& secret, std::int64_t unit_id,
                          std::string_view presented, std::string_view kind) {
  std::string who = "unit " + std::to_string(unit_id);
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT keyed_hash FROM unit_credentials WHERE unit_id = ? AND kind = ?",
                          {unit_id, std::string(kind)}));
  if (rows.empty())
    return Status::Unauthenticated(who + ": no " + std::string(kind) + " credential");
  std::string stored = rows[0].Text(0);
  std::string computed = secret.KeyedHash(presented);
  if (stored.size() != computed.size() ||
      CRYPTO_memcmp(stored.data(), computed.data(), stored.size()) != 0) {
    return Status::Unauthenticated(who + ": the password does not match");
  }
  return Status::Ok();
}

Result<std::string> SealForRecipient(const SecretString& secret,
                                     std::string_view recipient_cert_pem) {
  EVPROV_ASSIGN_OR_RETURN(ossl::X509Ptr cert,
                          ossl::ParseCertPem(recipient_cert_pem, "seal.recipient"));
  ossl::X509Stack recipients(sk_X509_new_null());
  sk_X509_push(recipients.get(), X509_dup(cert.get()));
  ossl::Bio data = ossl::MemBio(secret.reveal());
  ossl::Cms cms(CMS_encrypt(recipients.get(), data.get(), EVP_aes_256_cbc(), CMS_BINARY));
  if (!cms) return ossl::Error(StatusCode::kInvalidArgument, "seal", "CMS encryption failed");
  ossl::Bio out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_CMS(out.get(), cms.get()) != 1) {
    return ossl::Error(StatusCode::kInternal, "seal", "cannot encode the CMS structure");
  }
  return ossl::BioText(out.get());
}

}  // namespace evprov::pki
