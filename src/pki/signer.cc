#include "evprov/pki/signer.h"

#include <cstdlib>
#include <fstream>

#include "evprov/common/hex.h"
#include "pki/key_handle.h"

namespace evprov::pki {
namespace {

constexpr std::string_view kPkcs11Prefix = "pkcs11:";
constexpr std::string_view kFilePrefix = "file:";

class PkeySigner final : public Signer {
 public:
  PkeySigner(KeyBackend backend, std::string locator, ossl::PKey key, std::string spki_der)
      : backend_(backend),
        locator_(std::move(locator)),
        key_(std::move(key)),
        spki_der_(std::move(spki_der)) {
    handle_.pkey = key_.get();
  }
  KeyBackend backend() const override { return backend_; }
  std::string locator() const override { return locator_; }
  std::string public_key_der() const override { return spki_der_; }
  const KeyHandle& key() const override { return handle_; }

  Result<std::string> Sign(std::string_view data) const override {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
      return ossl::Error(StatusCode::kInternal, "signer", "cannot start signing");
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
      return ossl::Error(StatusCode::kInternal, "signer", "signing failed");
    }
    sig.resize(len);
    return sig;
  }

 private:
  KeyBackend backend_;
  std::string locator_;
  ossl::PKey key_;
  std::string spki_der_;
  KeyHandle handle_;
};

// "a=b;c=d" -> value of key, or "".
std::string Attribute(std::string_view attrs, std::string_view key) {
  while (!attrs.empty()) {
    std::size_t end = attrs.find(';');
    std::string_view part = attrs.substr(0, end);
    std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == key) {
      return std::string(part.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    attrs.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace

std::string_view KeyBackendName(KeyBackend backend) {
  switch (backend) {
    case KeyBackend::kFile:
      return "file";
    case KeyBackend::kPkcs11:
      return "pkcs11";
  }
  return "unknown";
}

std::string_view KeyAlgorithmName(KeyAlgorithm a) {
  switch (a) {
    case KeyAlgorithm::kEcP256:
      return "ec-p256";
    case KeyAlgorithm::kEcP384:
      return "ec-p384";
    case KeyAlgorithm::kRsa3072:
      return "rsa-3072";
  }
  return "unknown";
}

Result<KeyAlgorithm> ParseKeyAlgorithm(std::string_view name) {
  for (KeyAlgorithm a : {KeyAlgorithm::kEcP256, KeyAlgorithm::kEcP384, KeyAlgorithm::kRsa3072}) {
    if (KeyAlgorithmName(a) == name) return a;
  }
  return Status::InvalidArgument("key.algorithm: '" + std::string(name) +
                                 "' is not one of ec-p256, ec-p384, rsa-3072");
}

Result<SecretSource> SecretSource::Parse(std::string_view text) {
  SecretSource s;
  if (text.starts_with("env:") && text.size() > 4) {
    s.kind = Kind::kEnv;
    s.name = std::string(text.substr(4));
    return s;
  }
  if (text.starts_with(kFilePrefix) && text.size() > kFilePrefix.size()) {
    s.kind = Kind::kFile;
    s.name = std::string(text.substr(kFilePrefix.size()));
    return s;
  }
  return Status::InvalidArgument(
      "key.secret: expected env:NAME or file:/path (a secret is never given inline)");
}

std::string SecretSource::ToString() const {
  switch (kind) {
    case Kind::kEnv:
      return "env:" + name;
    case Kind::kFile:
      return "file:" + name;
  }
  return {};
}

std::string KeySpec::Locator() const {
  switch (backend) {
    case KeyBackend::kFile:
      return "file:" + path;
    case KeyBackend::kPkcs11:
      return "pkcs11:token=" + token_label + ";object=" + object_label;
  }
  return {};
}

Result<KeySpec> KeySpec::ParseLocator(std::string_view locator) {
  KeySpec spec;
  if (locator.starts_with(kFilePrefix) && locator.size() > kFilePrefix.size()) {
    spec.backend = KeyBackend::kFile;
    spec.path = std::string(locator.substr(kFilePrefix.size()));
    return spec;
  }
  if (locator.starts_with(kPkcs11Prefix)) {
    std::string_view attrs = locator.substr(kPkcs11Prefix.size());
    spec.backend = KeyBackend::kPkcs11;
    spec.token_label = Attribute(attrs, "token");
    spec.object_label = Attribute(attrs, "object");
    if (!spec.token_label.empty() && !spec.object_label.empty()) return spec;
  }
  return Status::InvalidArgument("key.locator: '" + std::string(locator) +
                                 "' is not file:/path or pkcs11:token=T;object=O");
}

std::string Signer::public_key_sha256() const {
  return Sha256Hex(public_key_der());
}

Result<SecretString> ReadSecret(const SecretSource& source, std::string_view field) {
  std::string where = std::string(field) + " (" + source.ToString() + ")";
  std::string value;
  switch (source.kind) {
    case SecretSource::Kind::kEnv: {
      const char* v = std::getenv(source.name.c_str());
      if (v != nullptr) value = v;
      break;
    }
    case SecretSource::Kind::kFile: {
      std::ifstream in(source.name);
      if (!in) return Status::FailedPrecondition(where + ": cannot read the file");
      std::getline(in, value);
      break;
    }
  }
  if (value.empty()) return Status::FailedPrecondition(where + ": empty or not set");
  return SecretString(std::move(value));
}

Result<std::unique_ptr<Signer>> OpenSigner(const KeySpec& spec) {
  EVPROV_ASSIGN_OR_RETURN(SecretString secret, ReadSecret(spec.secret, "key.secret"));
  switch (spec.backend) {
    case KeyBackend::kFile: {
      EVPROV_ASSIGN_OR_RETURN(ossl::PKey key, LoadFileKey(spec, secret));
      std::string spki = ossl::SpkiDer(key.get());
      return std::unique_ptr<Signer>(
          new PkeySigner(spec.backend, spec.Locator(), std::move(key), std::move(spki)));
    }
    case KeyBackend::kPkcs11: {
      EVPROV_ASSIGN_OR_RETURN(Pkcs11Key loaded, LoadPkcs11Key(spec, secret));
      return std::unique_ptr<Signer>(new PkeySigner(
          spec.backend, spec.Locator(), std::move(loaded.key), std::move(loaded.spki_der)));
    }
  }
  return Status::Internal("key.backend: unknown");
}

}  // namespace evprov::pki
