// Interoperability with an independent OCPP-J implementation: the npm
// package ocpp-rpc in strict mode (it validates every message against its own
// copy of the official schemas) as the other side, over ws + Basic auth,
// wss + Basic auth and mutual TLS. Calls go both ways, and each side sends
// one malformed message that the other answers with a CALLERROR.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "evprov/common/log.h"
#include "evprov/ocpp/schema.h"
#include "ocpp/server_impl.h"
#include "ocpp/test_env.h"
#include "support/node_peer.h"

namespace evprov::ocpp::test {
namespace {

const MessageValidator* Validator() {
  return &SchemaValidator::Shared(OcppVersion::kV201);
}

Handlers CsmsHandlers() {
  Handlers h;
  h.OnSync("BootNotification", [](const SessionInfo&, const json& p) -> HandlerResult {
    if (p["chargingStation"]["vendorName"] != "evprov") {
      return RpcError{RpcErrorCode::kGenericError, "unexpected vendor"};
    }
    return json{{"currentTime", "2026-11-24T02:00:00Z"}, {"interval", 300}, {"status", "Accepted"}};
  });
  h.OnSync("Heartbeat", [](const SessionInfo&, const json&) -> HandlerResult {
    return json{{"currentTime", "2026-11-24T02:00:00Z"}};
  });
  return h;
}

Handlers StationHandlers() {
  Handlers h;
  h.OnSync("Reset", [](const SessionInfo&, const json& p) -> HandlerResult {
    return json{{"status", p["type"] == "Immediate" ? "Accepted" : "Rejected"}};
  });
  return h;
}

// Polls the peer until its inbound frames include an answer to each id.
std::map<std::string, json> WaitForAnswers(NodePeer& peer, const std::set<std::string>& ids) {
  std::map<std::string, json> found;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& f : peer.InboundFrames()) {
      if (f.is_array() && f.size() >= 2 && f[1].is_string() && ids.contains(f[1])) {
        found[f[1].get<std::string>()] = f;
      }
    }
    if (found.size() == ids.size()) break;
    peer.NextLine(100ms);
  }
  return found;
}

// The CALLERROR our side logged for an id it did not expect (waits up to 2 s);
// null if none.
json WaitForLoggedCallError(const log::ScopedCapture& capture, const std::string& id) {
  for (int i = 0; i < 200; ++i) {
    for (const auto& line : capture.sink().Lines()) {
      json j = json::parse(line);
      if (j["event"] == "ocpp.rpc.unexpected_callerror" && j["id"] == id) return j;
    }
    std::this_thread::sleep_for(10ms);
  }
  return nullptr;
}

bool IsConstraintCode(const json& code) {
  static const std::set<std::string> kCodes = {
      "FormatViolation", "PropertyConstraintViolation", "OccurrenceConstraintViolation",
      "OccurenceConstraintViolation", "TypeConstraintViolation"};
  return code.is_string() && kCodes.contains(code.get<std::string>());
}

class InteropTest : public ::testing::TestWithParam<SecurityProfile> {
 protected:
  static void SetUpTestSuite() { pki_ = new Pki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override {
    if (!NodePeer::Available()) GTEST_SKIP() << "node or ocpp-rpc not installed";
  }
  bool tls() const { return GetParam() != SecurityProfile::kBasicAuth; }
  bool mtls() const { return GetParam() == SecurityProfile::kMutualTls; }
  static Pki* pki_;
};
Pki* InteropTest::pki_ = nullptr;

TEST_P(InteropTest, TheirChargerAgainstOurServer) {
  log::ScopedCapture capture;
  ServerOptions o;
  o.profile = GetParam();
  o.allow_unencrypted_profile1 = true;
  o.tls = pki_->ServerTls();
  o.validator = Validator();
  Server server(o, AcceptAll(), CsmsHandlers());
  ASSERT_TRUE(server.Start().ok());

  const std::string identity = "RPC-CS-" + std::to_string(ProfileNumber(GetParam()));
  json args = {{"endpoint", Url(server, tls())}, {"identity", identity}};
  if (!mtls()) args["password"] = kPassword;
  if (tls()) args["ca"] = pki_->ca.cert;
  if (mtls()) {
    auto cert = pki_->pki.IssueClient(pki_->ca, identity);
    args["cert"] = cert.cert;
    args["key"] = cert.key;
  }
  NodePeer peer("tests/ocpp/peers/charger.js", args);
  auto connected = peer.WaitFor("connected", 15s);
  ASSERT_TRUE(connected.has_value()) << json(peer.lines()).dump();
  EXPECT_EQ((*connected)["protocol"], "ocpp2.0.1");

  // Their calls to us.
  auto boot = peer.WaitFor("result", 10s);
  ASSERT_TRUE(boot.has_value()) << json(peer.lines()).dump();
  EXPECT_EQ((*boot)["result"]["status"], "Accepted");
  auto hb = peer.WaitFor("result", 10s);
  ASSERT_TRUE(hb.has_value());
  EXPECT_TRUE((*hb)["result"].contains("currentTime"));
  ASSERT_TRUE(peer.WaitFor("calls_done", 10s).has_value());

  // Our call to them.
  auto reset = server.Call(identity, "Reset", {{"type", "Immediate"}}, {.timeout = 5s}).get();
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  EXPECT_EQ((*reset)["status"], "Accepted");

  // Their malformed messages, answered by us.
  auto answers = WaitForAnswers(peer, {"-1", "bad-boot"});
  ASSERT_EQ(answers.size(), 2u) << json(peer.lines()).dump();
  EXPECT_EQ(answers["-1"][0], 4);
  EXPECT_EQ(answers["-1"][2], "RpcFrameworkError");
  EXPECT_EQ(answers["bad-boot"][2], "OccurrenceConstraintViolation");

  // Our malformed message, answered by them.
  auto session = server.impl().Find(identity);
  ASSERT_NE(session, nullptr);
  session->Send(R"([2,"our-bad","Reset",{"type":"Sometime"}])");
  json logged = WaitForLoggedCallError(capture, "our-bad");
  ASSERT_FALSE(logged.is_null());
  EXPECT_TRUE(IsConstraintCode(logged["code"])) << logged.dump();
  EXPECT_EQ(capture.sink().Joined().find(kPassword), std::string::npos);
}

TEST_P(InteropTest, OurClientAgainstTheirServer) {
  log::ScopedCapture capture;
  json args = {{"tls", tls()}, {"mtls", mtls()}, {"password", kPassword}};
  if (tls()) {
    args["cert"] = pki_->server.cert;
    args["key"] = pki_->server.key;
    args["ca"] = pki_->ca.cert;
  }
  NodePeer peer("tests/ocpp/peers/csms.js", args);
  auto listening = peer.WaitFor("listening", 15s);
  ASSERT_TRUE(listening.has_value()) << json(peer.lines()).dump();
  const int port = (*listening)["port"];

  const std::string identity = "OUR-CS-" + std::to_string(ProfileNumber(GetParam()));
  ClientOptions o;
  o.endpoint = std::string(tls() ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port) + "/ocpp";
  o.identity = identity;
  o.validator = Validator();
  o.connect_timeout = 5s;
  if (!mtls()) o.password = kPassword;
  if (tls()) o.tls.ca_file = pki_->ca.cert;
  if (mtls()) {
    auto cert = pki_->pki.IssueClient(pki_->ca, identity);
    o.tls.cert_file = cert.cert;
    o.tls.key_file = cert.key;
  }
  Client client(o, StationHandlers());
  Status connected = client.Connect();
  ASSERT_TRUE(connected.ok()) << connected.ToString() << json(peer.lines()).dump();
  EXPECT_EQ(client.subprotocol(), "ocpp2.0.1");

  // Our call to them.
  auto boot = client
                  .Call("BootNotification",
                        {{"reason", "PowerUp"},
                         {"chargingStation", {{"model", "EVP-1"}, {"vendorName", "evprov"}}}},
                        {.timeout = 5s})
                  .get();
  ASSERT_TRUE(boot.ok()) << boot.status().ToString();
  EXPECT_EQ((*boot)["status"], "Pending");

  // Their call to us.
  auto reset = peer.WaitFor("result", 10s);
  ASSERT_TRUE(reset.has_value()) << json(peer.lines()).dump();
  EXPECT_EQ((*reset)["result"]["status"], "Accepted");
  ASSERT_TRUE(peer.WaitFor("calls_done", 10s).has_value());

  // Their malformed messages, answered by us.
  auto answers = WaitForAnswers(peer, {"-1", "bad-reset"});
  ASSERT_EQ(answers.size(), 2u) << json(peer.lines()).dump();
  EXPECT_EQ(answers["-1"][2], "RpcFrameworkError");
  EXPECT_EQ(answers["bad-reset"][2], "PropertyConstraintViolation");

  // Our malformed message, answered by them.
  ASSERT_TRUE(client.SendRawForTest(R"([2,"our-bad","Heartbeat",{"surplus":1}])").ok());
  json logged = WaitForLoggedCallError(capture, "our-bad");
  ASSERT_FALSE(logged.is_null());
  EXPECT_TRUE(IsConstraintCode(logged["code"])) << logged.dump();
  client.Close();
  EXPECT_FALSE(client.connected());
}

TEST_P(InteropTest, TheirChargerIsRefusedWithWrongCredentials) {
  ServerOptions o;
  o.profile = GetParam();
  o.allow_unencrypted_profile1 = true;
  o.tls = pki_->ServerTls();
  Server server(o, AcceptAll(), CsmsHandlers());
  ASSERT_TRUE(server.Start().ok());
  json args = {{"endpoint", Url(server, tls())}, {"identity", "RPC-BAD"}};
  args["password"] = "definitely-wrong-pw";
  if (tls()) args["ca"] = pki_->ca.cert;
  if (mtls()) {
    auto cert = pki_->pki.IssueClient(pki_->other_ca, "RPC-BAD");  // untrusted CA
    args["cert"] = cert.cert;
    args["key"] = cert.key;
  }
  NodePeer peer("tests/ocpp/peers/charger.js", args);
  auto failed = peer.WaitFor("connect_failed", 15s);
  ASSERT_TRUE(failed.has_value()) << json(peer.lines()).dump();
  if (!mtls()) {
    EXPECT_EQ((*failed)["status"], 401) << failed->dump();
  }
  EXPECT_FALSE(server.IsConnected("RPC-BAD"));
}

INSTANTIATE_TEST_SUITE_P(Profiles, InteropTest,
                         ::testing::Values(SecurityProfile::kBasicAuth,
                                           SecurityProfile::kTlsBasicAuth,
                                           SecurityProfile::kMutualTls),
                         [](const auto& param_info) {
                           return "Profile" + std::to_string(ProfileNumber(param_info.param));
                         });

}  // namespace
}  // namespace evprov::ocpp::test
