#include "pki/legacy_verify.h"

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

namespace evprov::pki {
namespace {

using EcKey = std::unique_ptr<EC_KEY, decltype(&EC_KEY_free)>;
using Rsa = std::unique_ptr<RSA, decltype(&RSA_free)>;

// One immutable group per curve, shared (EC_KEY_set_group copies it).
const EC_GROUP* Group(int curve_nid) {
  static const EC_GROUP* p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  static const EC_GROUP* p384 = EC_GROUP_new_by_curve_name(NID_secp384r1);
  if (curve_nid == NID_X9_62_prime256v1) return p256;
  if (curve_nid == NID_secp384r1) return p384;
  return nullptr;
}

Rsa ParseRsa(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return Rsa(d2i_RSAPublicKey(nullptr, &p, static_cast<long>(der.size())), RSA_free);
}

}  // namespace

int RsaKeyBits(std::string_view rsa_public_key) {
  Rsa rsa = ParseRsa(rsa_public_key);
  return rsa ? RSA_bits(rsa.get()) : 0;
}

bool VerifySignature(const der::Spki& key, int md_nid, std::string_view data,
                     std::string_view signature) {
  const EVP_MD* md = EVP_get_digestbynid(md_nid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (md == nullptr ||
      EVP_Digest(data.data(), data.size(), digest, &digest_len, md, nullptr) != 1) {
    return false;
  }
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  const int sig_len = static_cast<int>(signature.size());
  if (key.algorithm_nid == NID_X9_62_id_ecPublicKey) {
    const EC_GROUP* group = Group(key.curve_nid);
    EcKey ec(EC_KEY_new(), EC_KEY_free);
    if (group == nullptr || !ec || EC_KEY_set_group(ec.get(), group) != 1 ||
        EC_KEY_oct2key(ec.get(), reinterpret_cast<const unsigned char*>(key.key.data()),
                       key.key.size(), nullptr) != 1) {
      return false;
    }
    return ECDSA_verify(0, digest, static_cast<int>(digest_len), sig, sig_len, ec.get()) == 1;
  }
  if (key.algorithm_nid == NID_rsaEncryption) {
    Rsa rsa = ParseRsa(key.key);
    return rsa && RSA_verify(md_nid, digest, digest_len, sig, static_cast<unsigned>(sig_len),
                             rsa.get()) == 1;
  }
  return false;
}

}  // namespace evprov::pki
