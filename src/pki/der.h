// Internal: a minimal DER reader, enough to take a PKCS#10 request and a
// SubjectPublicKeyInfo apart without OpenSSL 3.0's key decoders (which cost
// more than the signature check itself; see docs/pki.md, "Performance").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "evprov/common/status.h"

namespace evprov::pki::der {

inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kSequence = 0x30;
inline constexpr std::uint8_t kContext0 = 0xA0;

struct Tlv {
  std::uint8_t tag = 0;
  std::string_view value;  // the contents
  std::string_view whole;  // tag + length + contents
};

// Reads one TLV (single-byte tag, definite length) from the front of `in`
// and advances past it. False on truncated or malformed input.
bool Read(std::string_view& in, Tlv& out);
// Read() and require the tag.
bool Expect(std::string_view& in, std::uint8_t tag, Tlv& out);

// A SubjectPublicKeyInfo taken apart.
struct Spki {
  int algorithm_nid = 0;   // NID_X9_62_id_ecPublicKey, NID_rsaEncryption, ...
  int parameter_type = 0;  // V_ASN1_OBJECT (EC curve), V_ASN1_NULL (RSA), V_ASN1_UNDEF
  int curve_nid = 0;       // EC only
  std::string_view key;    // subjectPublicKey bits (no unused bits)
  std::string_view whole;  // the DER SubjectPublicKeyInfo
};
// Parses a DER SubjectPublicKeyInfo; kInvalidArgument naming `field`.
Result<Spki> ParseSpki(std::string_view der, std::string_view field);

// Content of a BIT STRING with no unused bits; false otherwise.
bool BitStringBytes(const Tlv& bit_string, std::string_view& bytes);

}  // namespace evprov::pki::der
