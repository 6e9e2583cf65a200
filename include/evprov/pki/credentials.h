// Per-unit OCPP credentials: the BasicAuthPassword (security profiles 1/2).
//
// A password is 16..40 characters of the OCPP set (a-z A-Z 0-9 * - _ = : + | @ .)
// drawn with a CSPRNG. The station keeps only HMAC-SHA-256(station secret,
// password), unique across all units; the plaintext is handed once to the
// caller that writes it to the charger, and may be sealed for the CPMS
// (CMS EnvelopedData, AES-256-CBC, to the CPMS certificate). It is never
// logged, audited or stored.
//
// The station secret is 32 random bytes in a file of mode 0600, created once
// (`evprov init`); losing it invalidates every stored hash (docs/pki.md).
//
// Thread-safety: StationSecret is immutable; functions with a Transaction
// follow store.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::pki {

inline constexpr std::string_view kOcppPasswordCharset =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@.";
inline constexpr int kMinPasswordLength = 16;
inline constexpr int kMaxPasswordLength = 40;

// A secret string that wipes its memory when destroyed. No operator<<.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  ~SecretString();
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  // The plaintext; for the one caller that delivers it.
  const std::string& reveal() const { return value_; }

 private:
  std::string value_;
};

// A fresh password of `length` characters (kInvalidArgument outside 16..40).
Result<SecretString> GeneratePassword(int length);
// True if the text is a valid BasicAuthPassword (length and character set).
bool IsValidPassword(std::string_view password);

class StationSecret {
 public:
  // Creates the file (0600, 32 random bytes); kAlreadyExists if it exists.
  static Status Create(const std::string& path);
  // Loads it; kFailedPrecondition if it is not exactly 32 bytes or readable by others.
  static Result<StationSecret> Load(const std::string& path);
  // Hex HMAC-SHA-256 of the text under this secret.
  std::string KeyedHash(std::string_view text) const;

 private:
  explicit StationSecret(std::string key) : key_(std::move(key)) {}
  SecretString key_;
};

struct PasswordOptions {
  int length = 32;
  std::string kind = "basic_auth";  // credential kind recorded with the hash
};

// Generates a password for the unit, records its keyed hash (replacing the
// unit's previous one of that kind) and audits (without the password).
Result<SecretString> IssueUnitPassword(store::Transaction& tx, const StationSecret& secret,
                                       std::int64_t unit_id, const PasswordOptions& options,
                                       std::string_view actor);
// ok if `presented` is the unit's current password; kUnauthenticated otherwise.
Status VerifyUnitPassword(store::Transaction& tx, const StationSecret& secret, std::int64_t unit_id,
                          std::string_view presented, std::string_view kind = "basic_auth");

// CMS EnvelopedData (PEM, AES-256-CBC) of the secret to the CPMS certificate.
Result<std::string> SealForRecipient(const SecretString& secret,
                                     std::string_view recipient_cert_pem);

}  // namespace evprov::pki
