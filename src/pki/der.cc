#include "pki/der.h"

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "pki/ossl.h"

namespace evprov::pki::der {

bool Read(std::string_view& in, Tlv& out) {
  if (in.size() < 2) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  std::uint8_t tag = p[0];
  if ((tag & 0x1F) == 0x1F) return false;  // multi-byte tags are not used here
  std::size_t header = 2;
  std::size_t length = p[1];
  if ((length & 0x80) != 0) {
    std::size_t octets = length & 0x7F;
    if (octets == 0 || octets > 3 || in.size() < 2 + octets) return false;  // < 16 MiB
    length = 0;
    for (std::size_t i = 0; i < octets; ++i) length = (length << 8) | p[2 + i];
    header += octets;
  }
  if (in.size() - header < length) return false;
  out.tag = tag;
  out.value = in.substr(header, length);
  out.whole = in.substr(0, header + length);
  in.remove_prefix(header + length);
  return true;
}

bool Expect(std::string_view& in, std::uint8_t tag, Tlv& out) {
  return Read(in, out) && out.tag == tag;
}

bool BitStringBytes(const Tlv& bit_string, std::string_view& bytes) {
  if (bit_string.tag != kBitString || bit_string.value.empty() || bit_string.value[0] != 0) {
    return false;
  }
  bytes = bit_string.value.substr(1);
  return true;
}

Result<Spki> ParseSpki(std::string_view der, std::string_view field) {
  auto bad = [&] { return Status::InvalidArgument(std::string(field) + ": malformed"); };
  std::string_view in = der;
  Tlv spki;
  Tlv algorithm;
  Tlv key;
  if (!Expect(in, kSequence, spki) || !in.empty()) return bad();
  std::string_view body = spki.value;
  if (!Expect(body, kSequence, algorithm) || !Expect(body, kBitString, key) || !body.empty()) {
    return bad();
  }
  Spki out;
  out.whole = spki.whole;
  if (!BitStringBytes(key, out.key)) return bad();
  const auto* p = reinterpret_cast<const unsigned char*>(algorithm.whole.data());
  ossl::Ptr<X509_ALGOR, X509_ALGOR_free> alg(
      d2i_X509_ALGOR(nullptr, &p, static_cast<long>(algorithm.whole.size())));
  if (!alg) return bad();
  const ASN1_OBJECT* oid = nullptr;
  const void* param = nullptr;
  X509_ALGOR_get0(&oid, &out.parameter_type, &param, alg.get());
  out.algorithm_nid = OBJ_obj2nid(oid);
  if (out.parameter_type == V_ASN1_OBJECT) {
    out.curve_nid = OBJ_obj2nid(static_cast<const ASN1_OBJECT*>(param));
  }
  return out;
}

}  // namespace evprov::pki::der
