// Internal: what a CheckedCsr holds.
#pragma once

#include <string>

#include "evprov/pki/csr_policy.h"

namespace evprov::pki {

struct CheckedCsr::Impl {
  std::string spki_der;
  std::string key_bits;  // its subjectPublicKey bits (SKI input)  // the request's
                         // SubjectPublicKeyInfo, as sent (canonical)
  std::string spki_sha256;
  std::string key_description;
  bool is_ec = false;
  std::string common_name;   // = the unit's serial
  std::string organization;  // = the environment's organisation
};

}  // namespace evprov::pki
