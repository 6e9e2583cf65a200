// Internal: the CA record's columns and the open CA's state.
#pragma once

#include <memory>
#include <string>

#include "evprov/pki/issuance.h"
#include "pki/leaf_der.h"
#include "pki/ossl.h"

namespace evprov::pki {

// Column list of pki_cas in the order RowToCaInfo reads.
extern const char* const kCaColumns;
CaInfo RowToCaInfo(const store::Row& row);

struct IssuingCa::Impl {
  CaInfo info;
  std::unique_ptr<Signer> signer;
  ossl::X509Ptr cert;
  ossl::Asn1OctetString key_id;   // the CA's SKI (the AKI of what it issues)
  LeafTemplate leaf;              // what every leaf shares (leaf_der.h)
  ossl::MdCtx sign_template;      // set up once, copied per certificate
  std::string chain_pem;          // this CA, then its parents
  std::string issued_chain_tail;  // appended to a leaf: this CA if it is not a root
};

}  // namespace evprov::pki
