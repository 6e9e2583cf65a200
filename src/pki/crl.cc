// CRLs: one per CA, numbered, listing every certificate it revoked.
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "evprov/pki/issuance.h"
#include "pki/ca_internal.h"
#include "pki/cert_builder.h"
#include "pki/key_handle.h"

namespace evprov::pki {
namespace {

using Asn1Enumerated = ossl::Ptr<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;
using AuthorityKeyId = ossl::Ptr<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;

int CrlReasonCode(RevocationReason r) {
  switch (r) {
    case RevocationReason::kUnspecified:
      return CRL_REASON_UNSPECIFIED;
    case RevocationReason::kKeyCompromise:
      return CRL_REASON_KEY_COMPROMISE;
    case RevocationReason::kSuperseded:
      return CRL_REASON_SUPERSEDED;
    case RevocationReason::kCessationOfOperation:
      return CRL_REASON_CESSATION_OF_OPERATION;
  }
  return CRL_REASON_UNSPECIFIED;
}

// The stored reason name -> RFC 5280 reason code.
int ReasonCode(std::string_view name) {
  for (RevocationReason r :
       {RevocationReason::kUnspecified, RevocationReason::kKeyCompromise,
        RevocationReason::kSuperseded, RevocationReason::kCessationOfOperation}) {
    if (RevocationReasonName(r) == name) return CrlReasonCode(r);
  }
  return CRL_REASON_UNSPECIFIED;
}

// "2026-11-24T02:05:01Z" -> ASN1 time.
ossl::Asn1Time ParseRfc3339(const std::string& text) {
  std::string generalized;
  for (char c : text) {
    if (c != '-' && c != ':' && c != 'T') generalized += c;
  }
  ossl::Asn1Time t(ASN1_TIME_new());
  if (ASN1_TIME_set_string_X509(t.get(), generalized.c_str()) != 1) return nullptr;
  return t;
}

Status AddRevoked(X509_CRL* crl, const store::Row& row) {
  BIGNUM* bn = nullptr;
  if (BN_hex2bn(&bn, row.Text(0).c_str()) == 0) {
    return Status::Internal("certificates.serial_hex: '" + row.Text(0) + "' is not hex");
  }
  ossl::BigNum serial_bn(bn);
  ossl::Asn1Integer serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  ossl::Asn1Time when = ParseRfc3339(row.Text(1));
  if (!when) return Status::Internal("certificates.revoked_at: '" + row.Text(1) + "'");
  ossl::X509Revoked revoked(X509_REVOKED_new());
  Asn1Enumerated reason(ASN1_ENUMERATED_new());
  ASN1_ENUMERATED_set(reason.get(), ReasonCode(row.Text(2)));
  if (X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) != 1 ||
      X509_REVOKED_set_revocationDate(revoked.get(), when.get()) != 1 ||
      X509_REVOKED_add1_ext_i2d(revoked.get(), NID_crl_reason, reason.get(), 0, 0) != 1 ||
      X509_CRL_add0_revoked(crl, revoked.get()) != 1) {
    return ossl::Error(StatusCode::kInternal, "crl", "cannot add a revoked entry");
  }
  X509_REVOKED* owned_by_crl = revoked.release();  // X509_CRL_add0_revoked took it
  (void)owned_by_crl;
  return Status::Ok();
}

}  // namespace

Result<std::string> GenerateCrl(store::Transaction& tx, const IssuingCa& ca,
                                std::string_view actor) {
  const IssuingCa::Impl& impl = ca.impl();
  const std::string& name = impl.info.name;
  EVPROV_ASSIGN_OR_RETURN(
      store::Row counter,
      tx.QueryOne("ca '" + name + "'", "SELECT next_crl_number FROM pki_cas WHERE name = ?",
                  {name}));
  std::int64_t number = counter.Int(0);
  EVPROV_ASSIGN_OR_RETURN(
      auto revoked, tx.Query("SELECT serial_hex, revoked_at, revocation_reason FROM certificates "
                             "WHERE ca_name = ? AND revoked_at IS NOT NULL ORDER BY id",
                             {name}));

  ossl::X509Crl crl(X509_CRL_new());
  auto now = std::chrono::system_clock::now();
  ossl::Asn1Time this_update = ToAsn1(now);
  ossl::Asn1Time next_update = ToAsn1(now + std::chrono::days(impl.info.crl_validity_days));
  ossl::Asn1Integer crl_number(ASN1_INTEGER_new());
  ASN1_INTEGER_set_int64(crl_number.get(), number);
  AuthorityKeyId aki(AUTHORITY_KEYID_new());
  aki->keyid = ASN1_OCTET_STRING_dup(impl.key_id.get());
  if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(impl.cert.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_authority_key_identifier, aki.get(), 0, 0) != 1) {
    return ossl::Error(StatusCode::kInternal, "crl", "cannot set the CRL's fields");
  }
  for (const store::Row& row : revoked) EVPROV_TRY(AddRevoked(crl.get(), row));
  X509_CRL_sort(crl.get());
  EVPROV_ASSIGN_OR_RETURN(ossl::MdCtx ctx, NewSigningContext(impl.signer->key().pkey));
  if (X509_CRL_sign_ctx(crl.get(), ctx.get()) <= 0) {
    return ossl::Error(StatusCode::kInternal, "crl", "signing failed");
  }
  EVPROV_TRY(tx.Exec("UPDATE pki_cas SET next_crl_number = ? WHERE name = ? AND "
                     "next_crl_number = ?",
                     {number + 1, name, number})
                 .status());
  nlohmann::json detail = {{"crl_number", number}, {"revoked", revoked.size()}};
  EVPROV_TRY(audit::Append(tx, actor, "ca.crl", "ca/" + name, detail.dump()));
  log::Info("pki.crl.signed", {{"ca", name}, {"crl_number", number}, {"revoked", revoked.size()}});
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl.get());
  return ossl::BioText(bio.get());
}

}  // namespace evprov::pki
