// The station's own TLS identity: a station CA (root + issuing) that is not
// any environment's CA, and the server certificate of the station's factory
// and validation listeners, issued under it.
//
// Chargers trust the station CA only while they are provisioned: the
// pipeline installs its root as a CSMSRootCertificate for the validation
// connection and removes it at finalize. The server certificate's SAN
// carries the host names / IP addresses the chargers are given (they verify
// it). Format and operations: docs/admission.md.
//
// Thread-safety: functions take the caller's Transaction (see store.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/pki/ca.h"
#include "evprov/pki/credentials.h"
#include "evprov/pki/issuance.h"
#include "evprov/pki/signer.h"
#include "evprov/store/store.h"

namespace evprov::pki {

// pki_cas.environment_kind of a station CA.
inline constexpr std::string_view kStationCaKind = "station";

struct StationCaOptions {
  // The CAs are "<name>-root" and "<name>-issuing"; pki_cas.environment is
  // `name` and environment_kind "station". Must not name a catalog environment.
  std::string name = "station";
  std::string organization = "evprov station";
  CaKeyOptions root;
  CaKeyOptions issuing;
  int root_validity_days = 3653;
  int issuing_validity_days = 1826;
  int server_validity_days = 397;  // the server certificates it issues
};

// Creates and records the station CA pair (InitCa), audited. kAlreadyExists
// if it exists; kFailedPrecondition if a catalog environment has that name.
Result<std::vector<CaInfo>> InitStationCa(store::Transaction& tx, const StationCaOptions& options,
                                          std::string_view actor);

struct StationServerCertRequest {
  std::string ca_name = "station-issuing";  // a station issuing CA
  std::vector<std::string> dns_names;       // SAN DNS; the first (else first IP) is the CN
  std::vector<std::string> ip_addresses;    // SAN IP
  KeyAlgorithm algorithm = KeyAlgorithm::kEcP256;
  OpenCaOptions ca;  // e.g. another secret source for the CA key
};

struct StationServerCert {
  IssuedCertificate certificate;  // chain_pem: leaf first, then the issuing CA
  SecretString key_pem;           // unencrypted PKCS#8 PEM of the new server key
  std::string root_pem;           // the station root: what the chargers trust
};

// Generates a server key, issues and records a tls_server certificate under
// the station issuing CA (refuses an environment's CA: kFailedPrecondition),
// audited (without the key).
Result<StationServerCert> IssueStationServerCertificate(store::Transaction& tx,
                                                        const StationServerCertRequest& request,
                                                        std::string_view actor);

}  // namespace evprov::pki
