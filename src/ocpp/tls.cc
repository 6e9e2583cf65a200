#include "ocpp/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "evprov/common/hex.h"
#include "pki/pem_memo.h"

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

Result<std::shared_ptr<ssl::context>> BaseContext(ssl::context::method method,
                                                  OSSL_LIB_CTX* library = nullptr) {
  std::shared_ptr<ssl::context> ctx;
  if (library != nullptr) {
    SSL_CTX* made = SSL_CTX_new_ex(
        library, nullptr, method == ssl::context::tls_client ? TLS_client_method() : TLS_method());
    if (made == nullptr)
      return Status::Internal("tls: cannot make a context: " + LastOpenSslError());
    ctx = std::make_shared<ssl::context>(made);  // takes ownership
  } else {
    ctx = std::make_shared<ssl::context>(method);
  }
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

Status LoadTrustPem(SSL_CTX* native, std::string_view pem) {
  X509_STORE* store = SSL_CTX_get_cert_store(native);
  auto anchors = pki::ossl::MemoCerts(pem);
  for (const auto& cert : anchors) {
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      return Status::InvalidArgument("tls.ca_pem: cannot add: " + LastOpenSslError());
    }
  }
  if (anchors.empty()) return Status::InvalidArgument("tls.ca_pem: no certificate");
  return Status::Ok();
}

// The client chain (leaf first) into a context, for a key install_key puts there.
Status LoadChainPem(SSL_CTX* native, std::string_view cert_pem) {
  auto certs = pki::ossl::MemoCerts(cert_pem);
  if (certs.empty()) return Status::InvalidArgument("tls.cert_pem: no certificate");
  if (SSL_CTX_use_certificate(native, certs.front().get()) != 1 ||
      SSL_CTX_clear_chain_certs(native) != 1) {
    return Status::InvalidArgument("tls.cert_pem: cannot use: " + LastOpenSslError());
  }
  for (std::size_t i = 1; i < certs.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(native, certs[i].get()) != 1) {
      return Status::InvalidArgument("tls.cert_pem: bad chain: " + LastOpenSslError());
    }
  }
  return Status::Ok();
}

Status InstallKey(SSL_CTX* native, const std::function<Status(void*)>& install_key) {
  EVPROV_TRY(install_key(native));
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("tls key: does not match the client certificate");
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const TlsFiles& tls,
                                                           bool require_client_cert) {
  EVPROV_ASSIGN_OR_RETURN(auto ctx, BaseContext(ssl::context::tls_server));
  SSL_CTX* native = ctx->native_handle();
  EVPROV_TRY(LoadIdentity(native, tls));
  // No session resumption, on any listener: with a client certificate it
  // would skip the certificate's check on reconnect, and without one nobody
  // resumes (a station's peers connect once per step of their journey), so
  // the two TLS 1.3 tickets a server sends by default were pure cost to both
  // ends of every handshake.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(native, 0);
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET);
  if (require_client_cert) {
    EVPROV_TRY(LoadTrust(native, tls));
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return ctx;
}

namespace {

// Below MakeClientTls: builds a new context.
Result<std::shared_ptr<ssl::context>> BuildClientTlsContext(const ClientOptions& options);

// An identity that cannot be presented per connection (ClientIdentity)
// needs a context of its own.
bool NeedsOwnContext(const ClientOptions& o) {
  return !o.tls.cert_file.empty() || !o.tls.key_file.empty() || o.install_key ||
         o.openssl_library_context != nullptr;
}

// Client contexts without a client identity of their own depend only on the
// trust anchors, and a fleet's units all trust the same station root: they
// share one context (building one costs OpenSSL 3 about a millisecond; a
// built context is read-only). Keyed by the anchors; bounded.
class AnchorOnlyContexts {
 public:
  std::shared_ptr<ssl::context> Find(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = contexts_.find(key);
    return it == contexts_.end() ? nullptr : it->second;
  }
  void Add(std::string key, std::shared_ptr<ssl::context> ctx) {
    std::lock_guard lock(mutex_);
    if (contexts_.size() >= kMaxEntries) contexts_.clear();
    contexts_.emplace(std::move(key), std::move(ctx));
  }

 private:
  static constexpr std::size_t kMaxEntries = 64;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ssl::context>> contexts_;
};

AnchorOnlyContexts& SharedContexts() {
  static AnchorOnlyContexts contexts;
  return contexts;
}

}  // namespace

ClientIdentity::~ClientIdentity() {
  X509_free(leaf_);
  for (X509* c : chain_) X509_free(c);
  EVP_PKEY_free(key_);
}

Result<std::shared_ptr<const ClientIdentity>> ClientIdentity::FromPem(std::string_view cert_pem,
                                                                      std::string_view key_pem) {
  if (cert_pem.empty()) return Status::InvalidArgument("tls.cert_pem: required with a key");
  if (key_pem.empty()) return Status::InvalidArgument("tls.key_pem: required with a certificate");
  auto certs = pki::ossl::MemoCerts(cert_pem);
  if (certs.empty()) return Status::InvalidArgument("tls.cert_pem: no certificate");
  pki::ossl::PKey key = pki::ossl::MemoKey(key_pem);
  if (!key) return Status::InvalidArgument("tls.key_pem: cannot read the private key");
  if (X509_check_private_key(certs.front().get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("tls.key_pem: does not match tls.cert_pem");
  }
  std::shared_ptr<ClientIdentity> id(new ClientIdentity());
  id->leaf_ = certs.front().release();
  for (std::size_t i = 1; i < certs.size(); ++i) id->chain_.push_back(certs[i].release());
  id->key_ = key.release();
  return std::shared_ptr<const ClientIdentity>(std::move(id));
}

Status ClientIdentity::ApplyTo(SSL* ssl) const {
  bool ok = SSL_use_certificate(ssl, leaf_) == 1 && SSL_clear_chain_certs(ssl) == 1;
  for (X509* c : chain_) ok = ok && SSL_add1_chain_cert(ssl, c) == 1;
  ok = ok && SSL_use_PrivateKey(ssl, key_) == 1;
  if (!ok)
    return Status::Internal("tls: cannot present the client certificate: " + LastOpenSslError());
  return Status::Ok();
}

Result<ClientTls> MakeClientTls(const ClientOptions& options) {
  ClientTls out;
  if ((!options.cert_pem.empty() || !options.key_pem.empty()) && !options.install_key) {
    EVPROV_ASSIGN_OR_RETURN(out.identity,
                            ClientIdentity::FromPem(options.cert_pem, options.key_pem));
  }
  if (NeedsOwnContext(options)) {
    EVPROV_ASSIGN_OR_RETURN(out.context, BuildClientTlsContext(options));
    return out;
  }
  std::string key = options.tls.ca_file + '\n' + options.ca_pem;
  out.context = SharedContexts().Find(key);
  if (!out.context) {
    EVPROV_ASSIGN_OR_RETURN(out.context, BuildClientTlsContext(options));
    SharedContexts().Add(std::move(key), out.context);
  }
  return out;
}

namespace {

Result<std::shared_ptr<ssl::context>> BuildClientTlsContext(const ClientOptions& options) {
  const TlsFiles& tls = options.tls;
  EVPROV_ASSIGN_OR_RETURN(auto ctx,
                          BaseContext(ssl::context::tls_client,
                                      static_cast<OSSL_LIB_CTX*>(options.openssl_library_context)));
  SSL_CTX* native = ctx->native_handle();
  if (tls.ca_file.empty() && options.ca_pem.empty()) {
    return Status::InvalidArgument("tls.ca_file: required (or ca_pem)");
  }
  if (!tls.ca_file.empty()) EVPROV_TRY(LoadTrust(native, tls));
  if (!options.ca_pem.empty()) EVPROV_TRY(LoadTrustPem(native, options.ca_pem));
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  if ((!options.cert_pem.empty() || !options.key_pem.empty()) && options.install_key) {
    EVPROV_TRY(LoadChainPem(native, options.cert_pem));
    EVPROV_TRY(InstallKey(native, options.install_key));
  } else if (!tls.cert_file.empty() || !tls.key_file.empty()) {
    if (options.install_key) {
      if (SSL_CTX_use_certificate_chain_file(native, tls.cert_file.c_str()) != 1) {
        return Status::InvalidArgument("tls.cert_file '" + tls.cert_file +
                                       "': cannot load: " + LastOpenSslError());
      }
      EVPROV_TRY(InstallKey(native, options.install_key));
    } else {
      EVPROV_TRY(LoadIdentity(native, tls));
    }
  }
  return ctx;
}

}  // namespace

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
