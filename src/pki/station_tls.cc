// The station CA and the station's TLS server certificate.
#include "evprov/pki/station_tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "evprov/catalog/repository.h"
#include "evprov/common/log.h"
#include "pki/ossl.h"

namespace evprov::pki {
namespace {

Result<ossl::PKey> NewServerKey(KeyAlgorithm algorithm) {
  EVP_PKEY* key = nullptr;
  switch (algorithm) {
    case KeyAlgorithm::kEcP256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyAlgorithm::kEcP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyAlgorithm::kRsa3072:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072});
      break;
  }
  if (key == nullptr) {
    return ossl::Error(StatusCode::kInternal, "server_key", "key generation failed");
  }
  return ossl::PKey(key);
}

Result<SecretString> PrivateKeyPem(EVP_PKEY* key) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return ossl::Error(StatusCode::kInternal, "server_key", "cannot encode the key");
  }
  std::string pem = ossl::BioText(bio.get());
  return SecretString(std::move(pem));
}

// The last certificate of a PEM chain (the root of ExportChainPem's output).
Result<std::string> LastCertificate(const std::string& chain_pem) {
  EVPROV_ASSIGN_OR_RETURN(ossl::X509Stack chain, ossl::ParseCertChainPem(chain_pem, "ca.chain"));
  int n = sk_X509_num(chain.get());
  if (n < 1) return Status::Internal("ca.chain: empty");
  return ossl::CertPem(sk_X509_value(chain.get(), n - 1));
}

}  // namespace

Result<std::vector<CaInfo>> InitStationCa(store::Transaction& tx, const StationCaOptions& options,
                                          std::string_view actor) {
  if (options.name.empty()) return Status::InvalidArgument("station_ca.name: empty");
  auto env = catalog::GetEnvironment(tx, options.name);
  if (env.ok()) {
    return Status::FailedPrecondition("station_ca.name: '" + options.name +
                                      "' is a catalog environment; the station CA must not be "
                                      "any environment's CA");
  }
  if (env.status().code() != StatusCode::kNotFound) return env.status();
  // InitCa works on an environment record; the station CA is one of its own kind.
  catalog::Environment station;
  station.name = options.name;
  station.kind = std::string(kStationCaKind);
  station.organization_name = options.organization;
  station.issuing_ca = options.name + "-issuing";
  CaInitOptions init;
  init.root = options.root;
  init.issuing = options.issuing;
  init.root_name = options.name + "-root";
  init.root_validity_days = options.root_validity_days;
  init.issuing_validity_days = options.issuing_validity_days;
  init.leaf_validity_days = options.server_validity_days;
  return InitCa(tx, station, init, actor);
}

Result<StationServerCert> IssueStationServerCertificate(store::Transaction& tx,
                                                        const StationServerCertRequest& request,
                                                        std::string_view actor) {
  if (request.dns_names.empty() && request.ip_addresses.empty()) {
    return Status::InvalidArgument("server_cert.host: give at least one host name or IP address");
  }
  EVPROV_ASSIGN_OR_RETURN(auto ca, IssuingCa::OpenByName(tx, request.ca_name, request.ca));
  if (ca->info().environment_kind != kStationCaKind || ca->info().role != CaRole::kIssuing) {
    return Status::FailedPrecondition("server_cert.ca: '" + request.ca_name +
                                      "' is not a station issuing CA (evprov ca init-station)");
  }
  EVPROV_ASSIGN_OR_RETURN(ossl::PKey key, NewServerKey(request.algorithm));
  ServiceCertificateRequest service;
  service.usage = ServiceUsage::kTlsServer;
  service.common_name =
      request.dns_names.empty() ? request.ip_addresses.front() : request.dns_names.front();
  service.dns_names = request.dns_names;
  service.ip_addresses = request.ip_addresses;
  service.public_key_der = ossl::SpkiDer(key.get());
  StationServerCert out;
  EVPROV_ASSIGN_OR_RETURN(out.certificate, IssueServiceCertificate(tx, *ca, service, actor));
  EVPROV_ASSIGN_OR_RETURN(out.key_pem, PrivateKeyPem(key.get()));
  EVPROV_ASSIGN_OR_RETURN(out.root_pem, LastCertificate(ca->ca_chain_pem()));
  log::Info("pki.station_server_cert", {{"ca", request.ca_name},
                                        {"serial", out.certificate.serial_hex},
                                        {"common_name", service.common_name}});
  return out;
}

}  // namespace evprov::pki
