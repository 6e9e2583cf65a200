#include "pki/leaf_der.h"

#include <openssl/sha.h>

#include <ctime>

#include "pki/cert_builder.h"

namespace evprov::pki {
namespace {

// DER TLV with a definite length.
void Put(std::string& out, std::uint8_t tag, std::string_view content) {
  out += static_cast<char>(tag);
  std::size_t n = content.size();
  if (n < 0x80) {
    out += static_cast<char>(n);
  } else if (n < 0x100) {
    out += '\x81';
    out += static_cast<char>(n);
  } else {
    out += '\x82';
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  }
  out += content;
}
std::string Tlv(std::uint8_t tag, std::string_view content) {
  std::string out;
  out.reserve(content.size() + 4);
  Put(out, tag, content);
  return out;
}

// UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5).
std::string Time(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[20];
  bool utc = tm.tm_year + 1900 < 2050;
  std::strftime(buf, sizeof buf, utc ? "%y%m%d%H%M%SZ" : "%Y%m%d%H%M%SZ", &tm);
  return Tlv(utc ? 0x17 : 0x18, buf);
}

// KeyUsage as a DER BIT STRING: named bits, trailing zero bits dropped.
std::string KeyUsageBits(unsigned usage) {
  unsigned char bytes[2] = {0, 0};
  int last = -1;
  for (int bit = 0; bit < 9; ++bit) {
    if ((usage & (1u << bit)) != 0) {
      bytes[bit / 8] |= static_cast<unsigned char>(0x80 >> (bit % 8));
      last = bit;
    }
  }
  std::string content;
  int length = last / 8 + 1;
  content += static_cast<char>(7 - last % 8);  // unused bits
  content.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
  return Tlv(0x03, content);
}

std::string Extension(std::string_view oid, bool critical, std::string_view value) {
  std::string body(oid);
  if (critical) body += std::string_view("\x01\x01\xFF", 3);
  Put(body, 0x04, value);
  return Tlv(0x30, body);
}

constexpr std::string_view kOidBasicConstraints("\x06\x03\x55\x1D\x13", 5);
constexpr std::string_view kOidKeyUsage("\x06\x03\x55\x1D\x0F", 5);
constexpr std::string_view kOidSubjectKeyId("\x06\x03\x55\x1D\x0E", 5);
constexpr std::string_view kOidAuthorityKeyId("\x06\x03\x55\x1D\x23", 5);
constexpr std::string_view kOidOrganization("\x06\x03\x55\x04\x0A", 5);
constexpr std::string_view kOidCommonName("\x06\x03\x55\x04\x03", 5);
constexpr std::string_view kVersion3("\xA0\x03\x02\x01\x02", 5);

std::string Rdn(std::string_view oid, std::string_view value) {
  std::string attribute(oid);
  Put(attribute, 0x0C, value);  // UTF8String
  return Tlv(0x31, Tlv(0x30, attribute));
}

}  // namespace

Result<std::string> WriteLeafCertificate(const LeafTemplate& ca, const LeafFields& leaf,
                                         const EVP_MD_CTX* sign_template) {
  // serialNumber: a positive INTEGER (a leading 0 if the top bit is set).
  std::size_t skip = 0;
  while (skip + 1 < leaf.serial.size() && leaf.serial[skip] == 0) ++skip;
  std::string serial;
  if ((static_cast<unsigned char>(leaf.serial[skip]) & 0x80) != 0) serial += '\0';
  serial += leaf.serial.substr(skip);

  unsigned char ski[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(leaf.key_bits.data()), leaf.key_bits.size(), ski);
  std::string extensions;
  extensions.reserve(128);
  extensions += Extension(kOidBasicConstraints, true, std::string_view("\x30\x00", 2));
  extensions += Extension(kOidKeyUsage, true, KeyUsageBits(leaf.key_usage));
  extensions +=
      Extension(kOidSubjectKeyId, false,
                Tlv(0x04, std::string_view(reinterpret_cast<const char*>(ski), sizeof ski)));
  extensions += Extension(kOidAuthorityKeyId, false, Tlv(0x30, Tlv(0x80, ca.authority_key_id)));

  std::string tbs_body;
  tbs_body.reserve(512 + leaf.spki_der.size());
  tbs_body += kVersion3;
  Put(tbs_body, 0x02, serial);
  tbs_body += ca.signature_algorithm;
  tbs_body += ca.issuer_name_der;
  Put(tbs_body, 0x30, Time(leaf.not_before) + Time(leaf.not_after));
  Put(tbs_body, 0x30,
      Rdn(kOidOrganization, leaf.organization) + Rdn(kOidCommonName, leaf.common_name));
  tbs_body += leaf.spki_der;
  Put(tbs_body, 0xA3, Tlv(0x30, extensions));
  std::string tbs = Tlv(0x30, tbs_body);

  ossl::MdCtx ctx(EVP_MD_CTX_new());
  std::size_t sig_len = 0;
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), sign_template) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len,
                     reinterpret_cast<const unsigned char*>(tbs.data()), tbs.size()) != 1) {
    return ossl::Error(StatusCode::kInternal, "certificate", "cannot start signing");
  }
  std::string signature(sig_len + 1, '\0');  // BIT STRING: unused-bits byte, then the signature
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data() + 1), &sig_len,
                     reinterpret_cast<const unsigned char*>(tbs.data()), tbs.size()) != 1) {
    return ossl::Error(StatusCode::kInternal, "certificate", "signing failed");
  }
  signature.resize(sig_len + 1);
  std::string body = std::move(tbs);
  body += ca.signature_algorithm;
  Put(body, 0x03, signature);
  return Tlv(0x30, body);
}

std::string SubjectText(std::string_view organization, std::string_view common_name) {
  auto escape = [](std::string_view v) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto c = static_cast<unsigned char>(v[i]);
      bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                     c == ';' || (i == 0 && (c == '#' || c == ' ')) ||
                     (i + 1 == v.size() && c == ' ');
      if (c >= 0x80 || c < 0x20) {
        out += '\\';
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        continue;
      }
      if (special) out += '\\';
      out += static_cast<char>(c);
    }
    return out;
  };
  return "CN=" + escape(common_name) + ",O=" + escape(organization);
}

}  // namespace evprov::pki
