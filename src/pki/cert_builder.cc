#include "pki/cert_builder.h"

#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>

#include "evprov/common/hex.h"
#include "pki/der.h"

namespace evprov::pki {
namespace {

using BasicConstraints = ossl::Ptr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;
using AuthorityKeyId = ossl::Ptr<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;
using GeneralNames = ossl::Ptr<GENERAL_NAMES, GENERAL_NAMES_free>;
using ExtendedKeyUsage = ossl::Ptr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>;

Status Fail(std::string_view what) {
  return ossl::Error(StatusCode::kInternal, "certificate", what);
}

Status AddExtensions(X509* cert, const CertParams& p) {
  BasicConstraints bc(BASIC_CONSTRAINTS_new());
  bc->ca = p.is_ca ? 0xFF : 0;
  if (p.is_ca && p.path_length >= 0) {
    bc->pathlen = ASN1_INTEGER_new();
    ASN1_INTEGER_set(bc->pathlen, p.path_length);
  }
  if (X509_add1_ext_i2d(cert, NID_basic_constraints, bc.get(), 1, X509V3_ADD_DEFAULT) != 1) {
    return Fail("basicConstraints");
  }

  ossl::Asn1BitString ku(ASN1_BIT_STRING_new());
  for (int bit = 0; bit < 9; ++bit) {
    if ((p.key_usage & (1u << bit)) != 0) ASN1_BIT_STRING_set_bit(ku.get(), bit, 1);
  }
  if (X509_add1_ext_i2d(cert, NID_key_usage, ku.get(), 1, X509V3_ADD_DEFAULT) != 1) {
    return Fail("keyUsage");
  }

  if (p.extended_key_usage_nid != NID_undef) {
    ExtendedKeyUsage eku(sk_ASN1_OBJECT_new_null());
    sk_ASN1_OBJECT_push(eku.get(), OBJ_nid2obj(p.extended_key_usage_nid));
    if (X509_add1_ext_i2d(cert, NID_ext_key_usage, eku.get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return Fail("extendedKeyUsage");
    }
  }

  // SKI: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1).
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_pubkey_digest(cert, EVP_sha1(), md, &md_len) != 1) return Fail("subjectKeyId");
  ossl::Asn1OctetString ski(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(ski.get(), md, static_cast<int>(md_len));
  if (X509_add1_ext_i2d(cert, NID_subject_key_identifier, ski.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return Fail("subjectKeyIdentifier");
  }

  AuthorityKeyId aki(AUTHORITY_KEYID_new());
  aki->keyid = ASN1_OCTET_STRING_dup(p.issuer_key_id != nullptr ? p.issuer_key_id : ski.get());
  if (X509_add1_ext_i2d(cert, NID_authority_key_identifier, aki.get(), 0, X509V3_ADD_DEFAULT) !=
      1) {
    return Fail("authorityKeyIdentifier");
  }

  if (!p.dns_names.empty() || !p.ip_addresses.empty()) {
    GeneralNames names(sk_GENERAL_NAME_new_null());
    for (const std::string& dns : p.dns_names) {
      GENERAL_NAME* gn = GENERAL_NAME_new();
      ASN1_IA5STRING* s = ASN1_IA5STRING_new();
      ASN1_STRING_set(s, dns.data(), static_cast<int>(dns.size()));
      GENERAL_NAME_set0_value(gn, GEN_DNS, s);
      sk_GENERAL_NAME_push(names.get(), gn);
    }
    for (const std::string& ip : p.ip_addresses) {
      ASN1_OCTET_STRING* addr = a2i_IPADDRESS(ip.c_str());
      if (addr == nullptr) {
        return Status::InvalidArgument("certificate.ip_addresses: '" + ip + "' is not an address");
      }
      GENERAL_NAME* gn = GENERAL_NAME_new();
      GENERAL_NAME_set0_value(gn, GEN_IPADD, addr);
      sk_GENERAL_NAME_push(names.get(), gn);
    }
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return Fail("subjectAltName");
    }
  }
  return Status::Ok();
}

// Sets the certificate's key from DER without decoding it into an EVP_PKEY
// (OpenSSL 3.0's encoder/decoder round trip costs more than a signature).
Status SetPublicKey(X509* cert, std::string_view spki_der) {
  EVPROV_ASSIGN_OR_RETURN(der::Spki spki, der::ParseSpki(spki_der, "certificate.public_key"));
  void* param = spki.parameter_type == V_ASN1_OBJECT ? OBJ_nid2obj(spki.curve_nid) : nullptr;
  if (!ossl::SetSpki(X509_get_X509_PUBKEY(cert), spki.algorithm_nid, spki.parameter_type, param,
                     spki.key)) {
    return Fail("public key");
  }
  return Status::Ok();
}

}  // namespace

ossl::Asn1Time ToAsn1(std::chrono::system_clock::time_point t) {
  return ossl::Asn1Time(ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(t)));
}

Result<ossl::MdCtx> NewSigningContext(EVP_PKEY* key) {
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1) {
    return ossl::Error(StatusCode::kInternal, "signer", "cannot start signing");
  }
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return ossl::Error(StatusCode::kInternal, "signer", "cannot select RSA-PSS");
  }
  return ctx;
}

Result<ossl::X509Ptr> BuildAndSign(const CertParams& p, EVP_PKEY* signing_key,
                                   const EVP_MD_CTX* sign_template) {
  ossl::X509Ptr cert(X509_new());
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return Fail("random serial");
  // 128 random bits read as an unsigned number: positive (RFC 5280 4.1.2.2).
  ossl::BigNum serial_bn(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (BN_is_zero(serial_bn.get())) return Fail("random serial is zero");
  ossl::Asn1Integer serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  ossl::Asn1Time not_before = ToAsn1(p.not_before);
  ossl::Asn1Time not_after = ToAsn1(p.not_after);
  // Entries go straight into the certificate's own name (no copy).
  X509_NAME* subject = X509_get_subject_name(cert.get());
  for (const auto& [field, value] :
       {std::pair{"O", &p.organization}, std::pair{"CN", &p.common_name}}) {
    if (X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value->c_str()), -1, -1,
                                   0) != 1) {
      return Fail("subject");
    }
  }
  const X509_NAME* issuer_name = p.issuer != nullptr ? X509_get_subject_name(p.issuer) : subject;
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_issuer_name(cert.get(), issuer_name) != 1 ||
      X509_set1_notBefore(cert.get(), not_before.get()) != 1 ||
      X509_set1_notAfter(cert.get(), not_after.get()) != 1 ||
      !SetPublicKey(cert.get(), p.subject_spki_der).ok()) {
    return Fail("cannot set the certificate's fields");
  }
  EVPROV_TRY(AddExtensions(cert.get(), p));
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  if (sign_template == nullptr || EVP_MD_CTX_copy_ex(ctx.get(), sign_template) != 1) {
    EVPROV_ASSIGN_OR_RETURN(ctx, NewSigningContext(signing_key));
  }
  if (X509_sign_ctx(cert.get(), ctx.get()) <= 0) return Fail("signing failed");
  return cert;
}

ossl::Asn1OctetString SubjectKeyId(X509* cert) {
  const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(cert);
  return ossl::Asn1OctetString(id != nullptr ? ASN1_OCTET_STRING_dup(id) : nullptr);
}

std::string DerToPem(std::string_view der) {
  constexpr std::size_t kLineBytes = 48;  // 64 base64 characters a line
  std::string pem;
  pem.reserve(64 + der.size() * 4 / 3 + der.size() / kLineBytes + 2);
  pem = "-----BEGIN CERTIFICATE-----\n";
  unsigned char line[65];
  for (std::size_t at = 0; at < der.size(); at += kLineBytes) {
    std::size_t n = std::min(kLineBytes, der.size() - at);
    int len = EVP_EncodeBlock(line, reinterpret_cast<const unsigned char*>(der.data() + at),
                              static_cast<int>(n));
    pem.append(reinterpret_cast<const char*>(line), static_cast<std::size_t>(len));
    pem += '\n';
  }
  pem += "-----END CERTIFICATE-----\n";
  return pem;
}

EncodedCert Encode(X509* cert) {
  std::string der = ossl::CertDer(cert);
  return {DerToPem(der), Sha256Hex(der)};
}

std::string EntryText(const X509_NAME_ENTRY* entry) {
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string EntryText(const X509_NAME* name, int nid) {
  int index = X509_NAME_get_index_by_NID(name, nid, -1);
  return index < 0 ? std::string() : EntryText(X509_NAME_get_entry(name, index));
}

std::string NameText(const X509_NAME* name) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  return ossl::BioText(bio.get());
}

}  // namespace evprov::pki
