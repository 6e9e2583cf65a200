// The cost of one full TLS handshake as the pipeline makes them, without
// sockets: the station's server context (ocpp::MakeServerTlsContext) and a
// charger's client context (ocpp::MakeClientTls, material in memory), ECDSA
// P-256 keys, root -> issuing CA -> leaf, the server sending its chain, the
// client checking it and the host name; no session resumption (the server
// offers no tickets). "mutual": the server requires the client's certificate
// and chain (profile 3: a unit's validation connection); "server only": the
// client proves itself later with a password (profile 2: the factory
// connection with the bootstrap secret). Both ends run on one thread over a
// BIO pair, so the time per iteration is the CPU both sides spend on one
// handshake. bench/pipeline_bench.sh reports one of each (a unit's two
// handshakes) next to the CPU per unit. Certificates are made once per run
// with the openssl CLI (bench_support.h).
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "bench_support.h"
#include "evprov/common/log.h"
#include "ocpp/tls.h"

namespace evprov::ocpp {
namespace {

using bench::ReadText;
using bench::TempPki;

// A root, an issuing CA under it, and a server and a client leaf under the
// issuing CA, each leaf with its chain (<leaf>-chain.pem). Made once per run.
const TempPki* Certificates() {
  static const std::unique_ptr<TempPki> pki = [] {
    auto made = std::make_unique<TempPki>();
    bool ok = made->Root("root", "bench-root") &&
              made->Issue("issuing", "bench-issuing", "root", TempPki::kCa);
    for (const std::string leaf : {"server", "client"}) {
      ok = ok && made->Issue(leaf, "localhost", "issuing", TempPki::kLeaf) &&
           made->Concat(leaf + "-chain", {leaf, "issuing"});
    }
    return ok ? std::move(made) : nullptr;
  }();
  return pki.get();
}

// Drives both ends until each has finished its handshake (bounded).
bool Handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const ClientIdentity* identity,
               bool tls12) {
  SSL* server = SSL_new(server_ctx);
  SSL* client = SSL_new(client_ctx);
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
  SSL_set_bio(server, server_bio, server_bio);
  SSL_set_bio(client, client_bio, client_bio);
  SSL_set_accept_state(server);
  SSL_set_connect_state(client);
  SSL_set_tlsext_host_name(client, "localhost");
  SSL_set1_host(client, "localhost");
  if (tls12) SSL_set_max_proto_version(client, TLS1_2_VERSION);
  bool ok = identity == nullptr || identity->ApplyTo(client).ok();
  bool server_done = false;
  bool client_done = false;
  for (int round = 0; ok && round < 20 && !(server_done && client_done); ++round) {
    if (!client_done) client_done = SSL_do_handshake(client) == 1;
    if (!server_done) server_done = SSL_do_handshake(server) == 1;
  }
  ok = ok && server_done && client_done && SSL_get_verify_result(client) == X509_V_OK &&
       SSL_get_verify_result(server) == X509_V_OK;
  ok = ok && (SSL_version(client) == (tls12 ? TLS1_2_VERSION : TLS1_3_VERSION));
  // The case measured is the one named: the server holds the client's
  // certificate exactly when the handshake was mutual.
  ok = ok && ((SSL_get0_peer_certificate(server) != nullptr) == (identity != nullptr));
  SSL_free(client);
  SSL_free(server);
  return ok;
}

void BM_TlsHandshake(benchmark::State& state) {
  log::SetSink(nullptr);
  const TempPki* pki = Certificates();
  if (pki == nullptr) {
    state.SkipWithError("cannot make the certificates (openssl CLI)");
    return;
  }
  const bool tls12 = state.range(0) == 12;
  const bool mutual = state.range(1) == 1;
  auto server = MakeServerTlsContext({.cert_file = pki->File("server-chain.pem"),
                                      .key_file = pki->File("server.key"),
                                      .ca_file = pki->File("root.pem")},
                                     mutual);
  ClientOptions options;
  options.ca_pem = ReadText(pki->File("root.pem"));
  if (mutual) {
    options.cert_pem = ReadText(pki->File("client-chain.pem"));
    options.key_pem = ReadText(pki->File("client.key"));
  }
  auto client = MakeClientTls(options);
  if (!server.ok() || !client.ok() || (mutual && !client->identity)) {
    state.SkipWithError("cannot make the TLS contexts");
    return;
  }
  SSL_CTX* server_ctx = (*server)->native_handle();
  SSL_CTX* client_ctx = client->context->native_handle();
  const ClientIdentity* identity = mutual ? client->identity.get() : nullptr;
  if (!Handshake(server_ctx, client_ctx, identity, tls12)) {
    state.SkipWithError("the handshake failed");
    return;
  }
  for (auto _ : state) {
    if (!Handshake(server_ctx, client_ctx, identity, tls12)) {
      state.SkipWithError("a handshake failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(tls12 ? "TLS 1.2" : "TLS 1.3") +
                 (mutual ? ", mutual" : ", server only"));
}
// {13, *}: what the pipeline negotiates; {12, 1}: for comparison (OCPP's TLS
// 1.2 suites).
BENCHMARK(BM_TlsHandshake)
    ->ArgNames({"tls", "mutual"})
    ->Args({13, 1})
    ->Args({13, 0})
    ->Args({12, 1})
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace evprov::ocpp

BENCHMARK_MAIN();
