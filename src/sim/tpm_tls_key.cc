// A TPM-held EC key as the TLS client key (security profile 3).
//
// Why deprecated API: libssl's CertificateVerify signs through a digest-sign
// context that OpenSSL 3.0 duplicates, and the installed tpm2-openssl (1.1.1)
// cannot duplicate its signing contexts ("cannot duplicate context (tpm2)").
// So libssl gets a *legacy* EC_KEY instead: it carries only the public point
// (read from the TPM key) and an EC_KEY_METHOD whose sign callbacks hand the
// digest to the TPM key (EVP_PKEY_sign in the tpm2 provider: one-shot, no
// digest context, nothing to duplicate). OpenSSL 3 treats an EC_KEY with a
// non-default method as a "foreign" key and signs with it on the legacy path,
// where context duplication is a plain copy. The private key never leaves the
// TPM: the EC_KEY has no private scalar to export.
//
// EC_KEY, EC_KEY_METHOD and the ex_data of EC_KEY are deprecated in OpenSSL 3
// with no replacement for this use, hence OPENSSL_SUPPRESS_DEPRECATED here and
// nowhere else.
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>

#include "sim/tls_key.h"

namespace evprov::sim {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EC_KEY* p) const { EC_KEY_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

// The TPM is one device behind one TCTI connection: one signature at a time.
std::mutex& TpmSignMutex() {
  static std::mutex mu;
  return mu;
}

// ex_data slot of the wrapper EC_KEY holding its TPM EVP_PKEY (one reference,
// released when the EC_KEY is freed, taken again when it is copied).
void FreeTpmKey(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
                void* /*argp*/) {
  EVP_PKEY_free(static_cast<EVP_PKEY*>(ptr));
}
int DupTpmKey(CRYPTO_EX_DATA* /*to*/, const CRYPTO_EX_DATA* /*from*/, void** from_d, int /*idx*/,
              long /*argl*/, void* /*argp*/) {
  auto* key = static_cast<EVP_PKEY*>(*static_cast<void**>(from_d));
  return key == nullptr || EVP_PKEY_up_ref(key) == 1 ? 1 : 0;
}
int TpmKeyIndex() {
  static const int index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, DupTpmKey, FreeTpmKey);
  return index;
}

const EVP_MD* DigestForLength(int length) {
  switch (length) {
    case 32:
      return EVP_sha256();
    case 48:
      return EVP_sha384();
    case 64:
      return EVP_sha512();
    default:
      return nullptr;
  }
}

// The DER ECDSA-Sig-Value of digest, computed by the TPM; empty on failure.
std::string TpmSignDer(EC_KEY* wrapper, const unsigned char* digest, int length) {
  auto* key = static_cast<EVP_PKEY*>(EC_KEY_get_ex_data(wrapper, TpmKeyIndex()));
  const EVP_MD* md = DigestForLength(length);
  if (key == nullptr || md == nullptr) return {};
  std::lock_guard lock(TpmSignMutex());
  Ptr<EVP_PKEY_CTX> ctx(
      EVP_PKEY_CTX_new_from_pkey(static_cast<OSSL_LIB_CTX*>(TpmLibraryContext()), key, nullptr));
  std::size_t size = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &size, digest, static_cast<std::size_t>(length)) != 1) {
    return {};
  }
  std::string der(size, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &size, digest,
                    static_cast<std::size_t>(length)) != 1) {
    return {};
  }
  der.resize(size);
  return der;
}

// EC_KEY_METHOD sign: DER signature into sig (ECDSA_size bytes available).
int TpmSign(int /*type*/, const unsigned char* digest, int length, unsigned char* sig,
            unsigned int* sig_length, const BIGNUM* /*kinv*/, const BIGNUM* /*r*/,
            EC_KEY* wrapper) {
  std::string der = TpmSignDer(wrapper, digest, length);
  if (der.empty() || der.size() > static_cast<std::size_t>(ECDSA_size(wrapper))) {
    *sig_length = 0;
    return 0;
  }
  std::copy(der.begin(), der.end(), sig);
  *sig_length = static_cast<unsigned int>(der.size());
  return 1;
}

// EC_KEY_METHOD sign_sig: the same signature as an ECDSA_SIG.
ECDSA_SIG* TpmSignSig(const unsigned char* digest, int length, const BIGNUM* /*kinv*/,
                      const BIGNUM* /*r*/, EC_KEY* wrapper) {
  std::string der = TpmSignDer(wrapper, digest, length);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return der.empty() ? nullptr : d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
}

// The default method with the TPM sign callbacks; lives until exit.
const EC_KEY_METHOD* TpmMethod() {
  static EC_KEY_METHOD* method = [] {
    EC_KEY_METHOD* m = EC_KEY_METHOD_new(EC_KEY_get_default_method());
    if (m == nullptr) return m;
    int (*sign_setup)(EC_KEY*, BN_CTX*, BIGNUM**, BIGNUM**) = nullptr;
    EC_KEY_METHOD_get_sign(EC_KEY_get_default_method(), nullptr, &sign_setup, nullptr);
    EC_KEY_METHOD_set_sign(m, TpmSign, sign_setup, TpmSignSig);
    return m;
  }();
  return method;
}

// The legacy wrapper of tpm_key: its public point, the TPM method, and a
// reference to tpm_key.
Ptr<EVP_PKEY> WrapTpmKey(EVP_PKEY* tpm_key) {
  unsigned char* spki = nullptr;
  int spki_length = i2d_PUBKEY(tpm_key, &spki);
  if (spki_length <= 0) return nullptr;
  Ptr<unsigned char> spki_holder(spki);
  const unsigned char* p = spki;
  Ptr<EC_KEY> ec(d2i_EC_PUBKEY(nullptr, &p, spki_length));
  if (!ec || TpmMethod() == nullptr || EC_KEY_set_method(ec.get(), TpmMethod()) != 1) {
    return nullptr;
  }
  if (EVP_PKEY_up_ref(tpm_key) != 1) return nullptr;
  if (EC_KEY_set_ex_data(ec.get(), TpmKeyIndex(), tpm_key) != 1) {
    EVP_PKEY_free(tpm_key);
    return nullptr;
  }
  Ptr<EVP_PKEY> wrapper(EVP_PKEY_new());
  if (!wrapper || EVP_PKEY_assign_EC_KEY(wrapper.get(), ec.get()) != 1) return nullptr;
  static_cast<void>(ec.release());  // owned by wrapper now
  return wrapper;
}

}  // namespace

Status UseTpmPrivateKey(void* ssl_ctx, evp_pkey_st* tpm_key) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (EVP_PKEY_get_base_id(tpm_key) != EVP_PKEY_EC) {
    return Status::InvalidArgument("client key: the TPM key is not an EC key");
  }
  Ptr<EVP_PKEY> wrapper = WrapTpmKey(tpm_key);
  if (!wrapper) {
    ERR_clear_error();
    return Status::Internal("client key: cannot wrap the TPM key for TLS");
  }
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert != nullptr && X509_check_private_key(cert, wrapper.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(
        "client key: the TPM key does not match the client certificate's public key");
  }
  if (SSL_CTX_use_PrivateKey(ctx, wrapper.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("client key: the TPM key was rejected by the TLS context");
  }
  return Status::Ok();
}

}  // namespace evprov::sim
