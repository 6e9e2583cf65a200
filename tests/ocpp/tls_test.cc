// Profiles 2 (wss + Basic) and 3 (mutual TLS) over loopback with a test PKI
// made at test time: round trips both ways, and every refusal asserted with
// its HTTP status or TLS failure.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "evprov/common/log.h"
#include "ocpp/test_env.h"
#include "support/temp_dir.h"

namespace evprov::ocpp::test {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new Pki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  std::unique_ptr<Server> StartServer(SecurityProfile profile, CnMatch cn = CnMatch::kIdentity,
                                      Authenticator auth = AcceptAll()) {
    ServerOptions o;
    o.profile = profile;
    o.tls = pki_->ServerTls();
    o.cn_match = cn;
    o.limits.handshake_timeout = 3s;
    auto s = std::make_unique<Server>(o, std::move(auth), EchoHandlers());
    Status st = s->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }

  static Status TryConnect(const ClientOptions& o) {
    Client c(o, EchoHandlers());
    return c.Connect();
  }

  static void ExpectRoundTrips(Server& server, Client& client, const std::string& identity) {
    auto up = client.Call("Echo", {{"text", "up"}}).get();
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    EXPECT_EQ((*up)["from"], identity);
    for (int i = 0; i < 200 && !server.IsConnected(identity); ++i) {
      std::this_thread::sleep_for(5ms);
    }
    auto down = server.Call(identity, "Echo", {{"text", "down"}}).get();
    ASSERT_TRUE(down.ok()) << down.status().ToString();
    EXPECT_EQ((*down)["text"], "down");
  }

  static Pki* pki_;
};

Pki* TlsTest::pki_ = nullptr;

TEST_F(TlsTest, Profile2RoundTrips) {
  auto server = StartServer(SecurityProfile::kTlsBasicAuth);
  auto o = ClientFor(*server, "CS-p2", /*tls=*/true);
  o.password = kPassword;
  o.tls.ca_file = pki_->ca.cert;
  Client client(o, EchoHandlers());
  ASSERT_TRUE(client.Connect().ok());
  ExpectRoundTrips(*server, client, "CS-p2");
}

// A plain OpenSSL client: handshake, then an HTTP request and its answer
// (TLS 1.3 tickets arrive after the handshake, so they are read by then).
// Returns whether the session it ends with carries a ticket; nullopt when
// the exchange failed.
std::optional<bool> SessionHasTicket(std::uint16_t port, const std::string& ca_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  BIO* bio = BIO_new_ssl_connect(ctx);
  const std::string target = "127.0.0.1:" + std::to_string(port);
  BIO_set_conn_hostname(bio, target.c_str());
  SSL* ssl = nullptr;
  BIO_get_ssl(bio, &ssl);
  SSL_set_tlsext_host_name(ssl, "localhost");
  std::optional<bool> out;
  const std::string request = "GET /ocpp/CS-t HTTP/1.1\r\nHost: localhost\r\n\r\n";
  char answer[512];
  if (BIO_do_connect(bio) == 1 && BIO_do_handshake(bio) == 1 &&
      BIO_write(bio, request.data(), static_cast<int>(request.size())) > 0 &&
      BIO_read(bio, answer, sizeof answer) > 0) {
    out = SSL_SESSION_has_ticket(SSL_get0_session(ssl)) == 1;
  }
  BIO_free_all(bio);
  SSL_CTX_free(ctx);
  return out;
}

// A profile 2 listener hands out no session tickets either (profile 3 never
// did: resumption would skip the client certificate's check). Nothing
// resumes, so they would only cost both ends of every handshake.
TEST_F(TlsTest, Profile2ListenerIssuesNoSessionTickets) {
  auto server = StartServer(SecurityProfile::kTlsBasicAuth);
  auto has_ticket = SessionHasTicket(server->port(), pki_->ca.cert);
  ASSERT_TRUE(has_ticket.has_value()) << "the TLS exchange failed";
  EXPECT_FALSE(*has_ticket);
}

TEST_F(TlsTest, Profile2Refusals) {
  log::ScopedCapture capture;
  auto server = StartServer(SecurityProfile::kTlsBasicAuth);
  auto o = ClientFor(*server, "CS-p2r", true);
  o.tls.ca_file = pki_->ca.cert;

  auto wrong = o;
  wrong.password = "wrong-password-0000";
  EXPECT_EQ(TryConnect(wrong).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(TryConnect(o).code(), StatusCode::kUnauthenticated);  // no password

  // Profile mismatch: plain ws:// to a TLS listener never completes the upgrade.
  auto plain = o;
  plain.password = kPassword;
  plain.endpoint = Url(*server, false);
  EXPECT_EQ(TryConnect(plain).code(), StatusCode::kUnavailable);

  // A server certificate from a CA the client does not trust.
  auto distrust = o;
  distrust.password = kPassword;
  distrust.tls.ca_file = pki_->other_ca.cert;
  Status s = TryConnect(distrust);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("tls handshake"), std::string::npos) << s.ToString();
  EXPECT_EQ(capture.sink().Joined().find(kPassword), std::string::npos);
}

TEST_F(TlsTest, Profile3RoundTripsWithContextAndCertificateInfo) {
  std::string seen_cn;
  std::string seen_fingerprint;
  auto server =
      StartServer(SecurityProfile::kMutualTls, CnMatch::kIdentity, [&](const HandshakeInfo& info) {
        seen_cn = info.peer_certificate->subject_cn;
        seen_fingerprint = info.peer_certificate->sha256_fingerprint;
        EXPECT_FALSE(info.password.has_value());
        EXPECT_NE(info.peer_certificate->pem.find("BEGIN CERTIFICATE"), std::string::npos);
        return AuthDecision::Accept();
      });
  auto cert = pki_->pki.IssueClient(pki_->ca, "CS-p3");
  auto o = ClientFor(*server, "CS-p3", true);
  o.tls = pki_->ClientTls(cert);
  Client client(o, EchoHandlers());
  ASSERT_TRUE(client.Connect().ok());
  ExpectRoundTrips(*server, client, "CS-p3");
  EXPECT_EQ(seen_cn, "CS-p3");
  EXPECT_EQ(seen_fingerprint.size(), 64u);
}

TEST_F(TlsTest, Profile3Refusals) {
  auto server = StartServer(SecurityProfile::kMutualTls);
  auto base = ClientFor(*server, "CS-p3r", true);

  // No client certificate: the TLS handshake fails.
  auto none = base;
  none.tls.ca_file = pki_->ca.cert;
  Status s = TryConnect(none);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();

  // A certificate from another CA: the TLS handshake fails.
  auto foreign = base;
  auto other = pki_->pki.IssueClient(pki_->other_ca, "CS-p3r");
  foreign.tls = {other.cert, other.key, pki_->ca.cert};
  s = TryConnect(foreign);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();

  // CN does not match the identity: 401.
  auto mismatch = base;
  auto someone_else = pki_->pki.IssueClient(pki_->ca, "CS-other");
  mismatch.tls = pki_->ClientTls(someone_else);
  s = TryConnect(mismatch);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.ToString();

  // Profile mismatch: Basic auth over plain ws:// to a profile 3 listener.
  auto plain = base;
  plain.endpoint = Url(*server, false);
  plain.password = kPassword;
  EXPECT_EQ(TryConnect(plain).code(), StatusCode::kUnavailable);
  EXPECT_FALSE(server->IsConnected("CS-p3r"));
}

TEST_F(TlsTest, Profile3SerialMatchGoesThroughTheAuthenticator) {
  // The identity is a hardware id; the certificate's CN is the unit's serial,
  // which only the authenticator knows.
  auto server =
      StartServer(SecurityProfile::kMutualTls, CnMatch::kSerial, [](const HandshakeInfo& info) {
        if (info.identity == "HW-1") return AuthDecision::Accept({}, "SN-1");
        return AuthDecision::Accept({}, "SN-other");
      });
  auto cert = pki_->pki.IssueClient(pki_->ca, "SN-1");
  auto good = ClientFor(*server, "HW-1", true);
  good.tls = pki_->ClientTls(cert);
  Client client(good, EchoHandlers());
  ASSERT_TRUE(client.Connect().ok());
  ExpectRoundTrips(*server, client, "HW-1");

  auto bad = ClientFor(*server, "HW-2", true);
  bad.tls = pki_->ClientTls(cert);
  EXPECT_EQ(TryConnect(bad).code(), StatusCode::kUnauthenticated);
}

// Identities held in memory (a fleet's units) are presented per connection on
// one shared context: each connection still shows its own certificate, with
// its chain, and a key that does not match is refused before connecting.
TEST_F(TlsTest, Profile3InMemoryIdentitiesShareAContextAndStayDistinct) {
  std::mutex mu;
  std::map<std::string, std::string> cn_of;
  auto server =
      StartServer(SecurityProfile::kMutualTls, CnMatch::kIdentity, [&](const HandshakeInfo& info) {
        std::lock_guard lock(mu);
        cn_of[info.identity] = info.peer_certificate->subject_cn;
        return AuthDecision::Accept();
      });
  const std::string ca_pem = evprov::test::ReadTextFile(pki_->ca.cert);
  std::vector<std::unique_ptr<Client>> clients;
  for (const std::string id : {"CS-m1", "CS-m2", "CS-m3"}) {
    auto cert = pki_->pki.IssueClient(pki_->ca, id);
    auto o = ClientFor(*server, id, true);
    o.ca_pem = ca_pem;
    o.cert_pem = evprov::test::ReadTextFile(cert.cert) + ca_pem;  // leaf, then its chain
    o.key_pem = evprov::test::ReadTextFile(cert.key);
    clients.push_back(std::make_unique<Client>(o, EchoHandlers()));
    Status s = clients.back()->Connect();
    ASSERT_TRUE(s.ok()) << id << ": " << s.ToString();
    ExpectRoundTrips(*server, *clients.back(), id);
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(cn_of, (std::map<std::string, std::string>{
                       {"CS-m1", "CS-m1"}, {"CS-m2", "CS-m2"}, {"CS-m3", "CS-m3"}}));

  auto a = pki_->pki.IssueClient(pki_->ca, "CS-m4");
  auto b = pki_->pki.IssueClient(pki_->ca, "CS-m5");
  auto o = ClientFor(*server, "CS-m4", true);
  o.ca_pem = ca_pem;
  o.cert_pem = evprov::test::ReadTextFile(a.cert);
  o.key_pem = evprov::test::ReadTextFile(b.key);
  Status s = TryConnect(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("tls.key_pem: does not match"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find("PRIVATE"), std::string::npos);
  o.key_pem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  s = TryConnect(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("tls.key_pem: cannot read"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find("not a key"), std::string::npos);
  EXPECT_FALSE(server->IsConnected("CS-m4"));
}

TEST_F(TlsTest, ProfileMismatchTlsClientAgainstPlainListener) {
  ServerOptions o = Profile1Options();
  Server server(o, AcceptAll(), EchoHandlers());
  ASSERT_TRUE(server.Start().ok());
  auto c = ClientFor(server, "CS-x", true);
  c.password = kPassword;
  c.tls.ca_file = pki_->ca.cert;
  Status s = TryConnect(c);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("tls handshake"), std::string::npos) << s.ToString();
}

TEST_F(TlsTest, UnusableTlsFilesFailStart) {
  ServerOptions o;
  o.profile = SecurityProfile::kMutualTls;
  o.tls = {pki_->dir.File("missing.pem"), pki_->server.key, pki_->ca.cert};
  Server s(o, AcceptAll(), EchoHandlers());
  Status st = s.Start();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("tls.cert_file"), std::string::npos);
}

}  // namespace
}  // namespace evprov::ocpp::test
