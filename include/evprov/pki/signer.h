// Signer: a private key the PKI signs with, wherever it lives.
//
// Two backends: an encrypted PEM file (development only) and PKCS#11 (an HSM;
// SoftHSM2 in tests) through libp11's pkcs11 engine. A key is named by a
// KeySpec; its secret (file passphrase or token PIN) comes from a
// SecretSource (an environment variable or a file), never from a command line,
// a log line or an error message.
//
// Ownership: OpenSigner returns a Signer the caller owns; the key material
// stays inside it (for PKCS#11, inside the token). Thread-safety: a Signer's
// const methods may be called from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "evprov/common/status.h"

namespace evprov::pki {

// Opaque handle to the backend key; defined in src/pki (OpenSSL stays private).
struct KeyHandle;

enum class KeyBackend {
  kFile,    // AES-256 encrypted PKCS#8 PEM file
  kPkcs11,  // a token, through libp11's pkcs11 engine
};
std::string_view KeyBackendName(KeyBackend backend);  // "file", "pkcs11"

// Where a secret comes from: "env:NAME" (an environment variable) or
// "file:/path" (the first line of a file). The secret itself is never stored.
struct SecretSource {
  enum class Kind { kEnv, kFile };
  Kind kind = Kind::kEnv;
  std::string name;  // variable name or file path

  // Parses "env:NAME" / "file:/path"; kInvalidArgument otherwise.
  static Result<SecretSource> Parse(std::string_view text);
  std::string ToString() const;
};

struct KeySpec {
  KeyBackend backend = KeyBackend::kFile;
  // kFile: path of the encrypted PEM. kPkcs11: unused.
  std::string path;
  // kPkcs11: the token's label and the key objects' label (CKA_LABEL).
  std::string token_label;
  std::string object_label;
  // kPkcs11: the PKCS#11 module (default: SoftHSM2's).
  std::string module_path = "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so";
  // The file's passphrase or the token's user PIN.
  SecretSource secret;

  // "file:/path" or "pkcs11:token=T;object=O" (module and secret not included).
  std::string Locator() const;
  // Parses what Locator() produces (module and secret left at their defaults).
  static Result<KeySpec> ParseLocator(std::string_view locator);
};

// The algorithms CA keys may use.
enum class KeyAlgorithm { kEcP256, kEcP384, kRsa3072 };
std::string_view KeyAlgorithmName(KeyAlgorithm a);  // "ec-p256", "ec-p384", "rsa-3072"
Result<KeyAlgorithm> ParseKeyAlgorithm(std::string_view name);

class Signer {
 public:
  virtual ~Signer() = default;
  virtual KeyBackend backend() const = 0;
  // Where the key lives (KeySpec::Locator()); safe to log.
  virtual std::string locator() const = 0;
  // DER SubjectPublicKeyInfo of the key, and its hex SHA-256 (safe to log).
  virtual std::string public_key_der() const = 0;
  std::string public_key_sha256() const;
  // Signs data with SHA-256 (ECDSA for EC keys, PKCS#1 v1.5 for RSA); DER signature.
  virtual Result<std::string> Sign(std::string_view data) const = 0;
  // For the PKI's own use (certificate and CRL signing).
  virtual const KeyHandle& key() const = 0;
};

// Opens the key spec names. kNotFound if the file or token object is missing,
// kPermissionDenied if the passphrase or PIN is wrong, kFailedPrecondition if
// the secret source is empty or unreadable.
Result<std::unique_ptr<Signer>> OpenSigner(const KeySpec& spec);

// Creates a new key in a file (mode 0600, AES-256 encrypted with the secret
// from spec.secret). Refuses to overwrite an existing file. PKCS#11 keys are
// generated inside the token by its administrator (docs/pki.md), not here.
Status CreateFileKey(const KeySpec& spec, KeyAlgorithm algorithm);

}  // namespace evprov::pki
