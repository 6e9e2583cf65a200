#include "ocpp/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <string>

#include "evprov/common/hex.h"

namespace evprov::ocpp {
namespace {

namespace ssl = boost::asio::ssl;

std::string LastOpenSslError() {
  unsigned long e = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  ERR_clear_error();
  if (e == 0) return "unknown error";
  std::array<char, 256> buf{};
  ERR_error_string_n(e, buf.data(), buf.size());
  return buf.data();
}

Result<std::shared_ptr<ssl::context>> BaseContext(ssl::context::method method) {
  auto ctx = std::make_shared<ssl::context>(method);
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kOcppTls12Ciphers) != 1) {
    return Status::Internal("tls: cannot configure protocol/ciphers: " + LastOpenSslError());
  }
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  return ctx;
}

Status LoadIdentity(SSL_CTX* native, const TlsFiles& tls) {
  if (SSL_CTX_use_certificate_chain_file(native, tls.cert_file.c_str()) != 1) {
    return Status::InvalidArgument("tls.cert_file '" + tls.cert_file +
                                   "': cannot load: " + LastOpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(native, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Status::InvalidArgument("tls.key_file '" + tls.key_file + "': cannot load");
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::InvalidArgument("tls.key_file: does not match tls.cert_file");
  }
  return Status::Ok();
}

Status LoadTrust(SSL_CTX* native, const TlsFiles& tls) {
  if (tls.ca_file.empty()) return Status::InvalidArgument("tls.ca_file: required");
  if (SSL_CTX_load_verify_locations(native, tls.ca_file.c_str(), nullptr) != 1) {
    return Status::InvalidArgument("tls.ca_file '" + tls.ca_file +
                                   "': cannot load: " + LastOpenSslError());
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const TlsFiles& tls,
                                                           bool require_client_cert) {
  EVPROV_ASSIGN_OR_RETURN(auto ctx, BaseContext(ssl::context::tls_server));
  SSL_CTX* native = ctx->native_handle();
  EVPROV_TRY(LoadIdentity(native, tls));
  if (require_client_cert) {
    EVPROV_TRY(LoadTrust(native, tls));
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    // Session resumption would skip the client certificate check on reconnect.
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(native, 0);
  }
  return ctx;
}

Result<std::shared_ptr<ssl::context>> MakeClientTlsContext(const TlsFiles& tls) {
  EVPROV_ASSIGN_OR_RETURN(auto ctx, BaseContext(ssl::context::tls_client));
  SSL_CTX* native = ctx->native_handle();
  EVPROV_TRY(LoadTrust(native, tls));
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  if (!tls.cert_file.empty() || !tls.key_file.empty()) EVPROV_TRY(LoadIdentity(native, tls));
  return ctx;
}

std::optional<PeerCertificate> PeerCertificateOf(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  PeerCertificate out;
  X509_NAME* subject = X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx >= 0) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len >= 0)
      out.subject_cn.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
  }
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    char* hex = BN_bn2hex(bn);
    if (hex != nullptr) out.serial_hex = hex;
    OPENSSL_free(hex);
    BN_free(bn);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int md_len = 0;
  if (X509_digest(cert, EVP_sha256(), md.data(), &md_len) == 1) {
    out.sha256_fingerprint =
        HexEncode(std::string_view(reinterpret_cast<const char*>(md.data()), md_len));
  }
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (PEM_write_bio_X509(bio, cert) == 1) {
      char* data = nullptr;
      long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
      if (len > 0) out.pem.assign(data, static_cast<std::size_t>(len));
    }
    BIO_free(bio);
  }
  return out;
}

}  // namespace evprov::ocpp
